"""The coach in Slack: Block Kit rendering of the neutral reply model and the Bolt app around the engine."""
