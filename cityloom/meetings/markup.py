"""Moved to cityloom.core.text (circulars, news and pages render Markdown too)."""

from cityloom.core.text import is_safe_url, is_served_here, render_markdown

__all__ = ["is_safe_url", "is_served_here", "render_markdown"]
