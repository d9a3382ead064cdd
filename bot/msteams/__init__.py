"""Microsoft Teams: the bot on botbuilder, and the reply model as Adaptive Cards."""
