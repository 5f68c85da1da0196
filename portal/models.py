"""The portal app has no models of its own.

This module exists because Django sends ``post_migrate`` only to apps with a
models module, and the portal's handler keeps the curators' roles in step.
"""
