"""The Slack edge: app factory, command router, Web API client, error handler and HTTP server."""
