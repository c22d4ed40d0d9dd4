"""Errors of document generation. The HTTP and CLI edges map each class once (app.py)."""

from __future__ import annotations


class TemplateError(Exception):
    """Base class. ``code`` is the stable machine-readable name used in API errors."""

    code = "template_error"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class TemplateNotFound(TemplateError):
    code = "not_found"


class InvalidData(TemplateError):
    """The data for a template failed its schema; ``fields`` names every failing field."""

    code = "invalid"


class UnsupportedLanguage(TemplateError):
    """The template, or the registry wording it needs, does not exist in this language."""

    code = "unsupported_language"


class RejectedTemplate(TemplateError):
    """An uploaded template file is unsafe or malformed (size, zip, macros, split tags)."""

    code = "rejected_template"


class TemplateChanged(TemplateError):
    """The template's files changed since the document was drafted."""

    code = "conflict"


class RenderError(TemplateError):
    """The template could not be rendered with valid data (a defect of the template)."""

    code = "render_error"


class ConversionError(TemplateError):
    """LibreOffice could not convert a document (it failed, or took longer than allowed)."""

    code = "conversion_failed"


class ConverterUnavailable(ConversionError):
    """No converter could be reached or started."""

    code = "converter_unavailable"
