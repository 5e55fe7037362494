"""Renderers turn a tool's neutral Report into what a surface shows: plain text or Block Kit."""
