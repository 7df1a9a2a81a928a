"""Local emulator of IAM, SDRS v1, VBS v2 backup policies and a few ECS calls (tests only)."""

__version__ = "1.0.0"
