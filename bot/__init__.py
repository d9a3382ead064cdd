"""Adapters around the coaching engine: console, CLI (and later Slack, Teams, web server, scheduler)."""
