#!/usr/bin/python3
"""Writes the 256-entry colormap tables in this folder from matplotlib's definitions.

Developers run it once (it needs Debian's python3-matplotlib, which the build does not); the
tables it writes are committed and embedded into dcmlens at build time. Each file has 256 lines
"R G B" (0-255): the colour for output level 0..255.
"""
import pathlib

from matplotlib import colormaps

HERE = pathlib.Path(__file__).resolve().parent
NAMES = ["gray", "bone", "hot", "viridis", "inferno"]

for name in NAMES:
    cmap = colormaps[name]
    lines = [f"# {name}: matplotlib's '{name}' colormap sampled at 256 levels (R G B)"]
    for i in range(256):
        r, g, b, _ = cmap(i / 255.0)
        lines.append(f"{round(r * 255)} {round(g * 255)} {round(b * 255)}")
    (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n")
