"""Request and response shapes, as published in the OpenAPI document, one module per area
mirroring ``api/routes/<area>.py``.

Names say what a shape is for, so they cannot be mistaken for the domain's records: a body
that creates a record ends in ``Create``, a body for an action on an existing record in
``Action``, a response in ``Read`` and a page of responses in ``Page``.

Requests are checked for shape here (types, patterns, bounds that keep every number within
what the database columns hold); every rule about meaning stays in the domain, so the API
and the CLI accept and refuse the same values with the same messages. Responses mirror what
``services.reads.queries`` and ``services.reads.reports`` return.
"""
