"""The web service: REST API under /api/v1, server-rendered pages, a background run worker.

``create_app(store)`` builds the FastAPI app; ``redline serve`` runs it with
uvicorn. Authentication and every role rule come from the governance layer.
"""

from redline.server._app import API_PREFIX, create_app
from redline.server._errors import status_for
from redline.server._worker import Progress, RunWorker

__all__ = ["API_PREFIX", "Progress", "RunWorker", "create_app", "status_for"]
