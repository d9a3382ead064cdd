"""The coaching engine: dialogs, SMART and SPIN checks, pipeline math. No chat-platform imports."""
