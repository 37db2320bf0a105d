"""Rendering a digital athlete (Anny body, pyrender) for clips with exact ground truth.

Needs the optional ``synth`` extra (torch, anny, pyrender); nothing here is imported by the
core package.
"""
