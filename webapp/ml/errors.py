"""The ML error a manager can act on, shared by training, predictions and the views."""


class TrainingError(ValueError):
    """Nothing to learn from, or no model to predict with; the message tells the manager what to do."""
