"""leernetwerk: selection, matching and cycle orchestration for the national
learning network on the Participatiewet."""

__version__ = "0.1.0"
