"""Renderers: HTML pages, PDF/UA documents, stylesheets. Templates are data; user text is never a template."""
