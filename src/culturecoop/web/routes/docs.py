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


@router.get("/docs")
def api_docs(request: Request, principal: OptionalPrincipalDep) -> Response:
    spec = request.app.openapi()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                       "type": _schema_name(p.get("schema", {})), "description": p.get("description", "")}
                      for p in op.get("parameters", [])]
            body: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            responses = []
            for status, r in op.get("responses", {}).items():
                contents: list[dict[str, Any]] = list(r.get("content", {}).values())
                schema = contents[0].get("schema", {}) if contents else {}
                responses.append({"status": status, "description": r.get("description", ""),
                                  "type": _schema_name(schema)})
            operations.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                               "description": op.get("description", ""), "tag": (op.get("tags") or ["api"])[0],
                               "params": params, "body": list(body), "responses": responses})
    schemas = spec.get("components", {}).get("schemas", {})
    return render(request, "docs.html", {"spec": spec, "operations": operations, "schemas": schemas,
                                         "schema_name": _schema_name})


@router.get("/glossary")
def glossary(request: Request, principal: OptionalPrincipalDep) -> Response:
    """Every technical word of the dashboard in plain language (readable before sign-in too)."""
    return render(request, "glossary.html", {"glossary": TERMS, "active": "glossary"})
