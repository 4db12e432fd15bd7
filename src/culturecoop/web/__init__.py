"""The dashboard and the REST API: FastAPI routes, Jinja pages, French and English.

``create_app(settings)`` builds the application; ``culturecoop serve`` runs it with uvicorn.
"""

from culturecoop.web.app import create_app
from culturecoop.web.settings import Settings

__all__ = ["Settings", "create_app"]
