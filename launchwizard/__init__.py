"""launchwizard: launch-readiness checks, wizard and handover pack for B2B AI-chatbot products."""

__version__ = "0.1.0"
