"""The team's dashboard and JSON API, served by the daemon itself (aiohttp + Jinja2, autoescaped)."""
