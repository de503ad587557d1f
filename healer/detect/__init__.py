"""Proposing a pipeline for a project that has no healer configuration (healer.detect.detection)."""
