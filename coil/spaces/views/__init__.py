"""Space pages: the space with its task board (``space``), documents and their versions
(``documents``), files (``files``). Importing this package attaches them to ``bp``."""

from coil.spaces.views import documents, files, space

__all__ = ["documents", "files", "space"]
