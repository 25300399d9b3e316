"""Who may sign in and how: users, hashed API keys, roles, browser sessions."""
