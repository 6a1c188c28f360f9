"""The developer dashboard at /dashboard: keys, allow-lists, Items and the sandbox, in a browser.

Server-rendered Jinja2 pages; live parts refresh with htmx 2.0.11 (static/htmx-2.0.11.min.js,
from the npm package htmx.org@2.0.11, licensed 0BSD), with no JavaScript build step.
"""
