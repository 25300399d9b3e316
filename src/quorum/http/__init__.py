"""HTTP plumbing both faces share: request dependencies (who is calling, a session), the JSON
response and route classes, cookie sessions, and the input rules every request passes."""
