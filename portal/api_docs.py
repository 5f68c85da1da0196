"""/api/docs: the API's reference, a plain page of the portal drawn from its OpenAPI schema.

It replaces django-ninja's Swagger UI, whose page failed axe (contrast, no ``lang``, controls
nested in controls, small targets) and needs scripts: this one is the site's own HTML, readable
without JavaScript and by screen readers, and cannot drift from the schema it is read from. The
schema itself stays at /api/openapi.json for tools (and for trying calls: every endpoint is a
GET, which a browser or ``curl`` makes).
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from ninja.openapi.docs import DocsBase

from core.exports import one_of


@dataclass
class Field:
    name: str
    type: str
    description: str = ""
    required: bool = False
    where: str = ""


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    tag: str
    anchor: str
    parameters: list[Field] = field(default_factory=list)
    answers: list["Answer"] = field(default_factory=list)


@dataclass
class Answer:
    status: str
    meaning: str
    body: str
    shape: bool  # whether body names one of the shapes, listed below the endpoints


@dataclass
class Shape:
    name: str
    fields: list[Field]


class ReferencePage(DocsBase):
    """django-ninja's hook for its docs view (``NinjaAPI(docs=...)``)."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api_docs.html",
            {
                "info": schema["info"],
                "openapi_url": self.get_openapi_url(api, kwargs),
                "operations": operations(schema),
                "shapes": shapes(schema),
            },
        )


def operations(schema: dict) -> list[Operation]:
    found = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=str(spec.get("summary", "")),
                    tag=(spec.get("tags") or [""])[0],
                    anchor=spec["operationId"],
                    parameters=[
                        Field(
                            name=parameter["name"],
                            type=type_name(parameter.get("schema", {})),
                            description=str(parameter.get("description", "")),
                            required=parameter.get("required", False),
                            where=parameter["in"],
                        )
                        for parameter in spec.get("parameters", [])
                    ],
                    answers=[
                        _answer(status, response)
                        for status, response in spec.get("responses", {}).items()
                    ],
                )
            )
    return found


def _answer(status: str, response: dict) -> Answer:
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    return Answer(status, str(response.get("description", "")), type_name(body), "$ref" in body)


def shapes(schema: dict) -> list[Shape]:
    found = []
    for name, spec in schema.get("components", {}).get("schemas", {}).items():
        required = set(spec.get("required", []))
        found.append(
            Shape(
                name=name,
                fields=[
                    Field(
                        name=field_name,
                        type=type_name(field_spec),
                        description=str(field_spec.get("description", "")),
                        required=field_name in required,
                    )
                    for field_name, field_spec in spec.get("properties", {}).items()
                ],
            )
        )
    return found


def type_name(spec: dict) -> str:
    """A schema's type in words: ``string (uri)``, ``list of PartnershipOut``, ``integer or null``."""
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return one_of([type_name(option) for option in spec["anyOf"]])
    kind = spec.get("type", "")
    if kind == "array":
        return gettext("list of %(type)s") % {"type": type_name(spec.get("items", {}))}
    if kind == "object" and "additionalProperties" in spec:
        return gettext("object of %(type)s") % {"type": type_name(spec["additionalProperties"])}
    if "enum" in spec:
        return gettext("%(type)s, one of: %(values)s") % {
            "type": kind,
            "values": ", ".join(str(value) for value in spec["enum"]),
        }
    return f"{kind} ({spec['format']})" if "format" in spec else kind
