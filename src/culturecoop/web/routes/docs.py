"""API documentation served by the application itself (no CDN): /docs renders /openapi.json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from culturecoop.web.deps import OptionalPrincipalDep
from culturecoop.web.render import render
from culturecoop.web.views.glossary import TERMS

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array[{_schema_name(schema.get('items', {}))}]"
    return str(schema.get("format") or schema.get("type") or "object")


def _said(text: str | None) -> str:
    """A route's or a field's description as one line (a docstring's line breaks are spaces): the
    page translates it into the reader's language (the OpenAPI document itself stays in English, it
    is read by programs)."""
    return " ".join((text or "").split())


@router.get("/docs")
def api_docs(request: Request, principal: OptionalPrincipalDep) -> Response:
    spec = request.app.openapi()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [{"name": p["name"], "in": _said(p["in"]), "required": p.get("required", False),
                       "type": _schema_name(p.get("schema", {})), "description": _said(p.get("description"))}
                      for p in op.get("parameters", [])]
            body: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            responses = []
            for status, r in op.get("responses", {}).items():
                contents: list[dict[str, Any]] = list(r.get("content", {}).values())
                schema = contents[0].get("schema", {}) if contents else {}
                responses.append({"status": status, "description": _said(r.get("description")),
                                  "type": _schema_name(schema)})
            # The summary FastAPI makes of a function's name (« Api Load Programme ») says nothing the
            # method, the path and the description do not.
            operations.append({"method": method.upper(), "path": path, "description": _said(op.get("description")),
                               "tag": (op.get("tags") or ["api"])[0],
                               "params": params, "body": list(body), "responses": responses})
    schemas = {name: {**schema, "properties": {prop: {**s, "description": _said(s.get("description"))}
                                               for prop, s in (schema.get("properties") or {}).items()}}
               for name, schema in spec.get("components", {}).get("schemas", {}).items()}
    return render(request, "docs.html", {"spec": spec, "operations": operations, "schemas": schemas,
                                         "schema_name": _schema_name})


@router.get("/glossary")
def glossary(request: Request, principal: OptionalPrincipalDep) -> Response:
    """Every technical word of the dashboard in plain language (readable before sign-in too)."""
    return render(request, "glossary.html", {"glossary": TERMS, "active": "glossary"})
