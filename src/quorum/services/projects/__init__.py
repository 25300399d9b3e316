"""Projects: task type, versioned default params, instructions, quality policy, members."""
