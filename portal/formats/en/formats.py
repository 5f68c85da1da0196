"""English dates as the portal has always written them, "30 November 2026" (Django's English
default is "Nov. 30, 2026"); the other languages keep Django's own formats: "30 novembre 2026",
"30. November 2026". Templates ask for DATE_FORMAT, never spell a format of their own."""

DATE_FORMAT = "j F Y"
