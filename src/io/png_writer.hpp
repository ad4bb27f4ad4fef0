#pragma once

#include <cstdint>
#include <string>

#include "pixel/image.hpp"

namespace dcmlens::io {

// Writes an 8-bit grey or RGB image as PNG (libpng, fast zlib setting: a viewer's export and a
// batch render should not wait on compression). Throws dcmlens::Error naming the file.
void writePng(const std::string& path, const pixel::Image& image);

// Writes 16-bit samples (1 or 3 per pixel, row after row) as a 16-bit PNG: lossless export of
// stored values.
// `textKey`/`textValue`, when given, go into a tEXt chunk (e.g. that the words are signed).
void writePng16(const std::string& path, const std::uint16_t* samples, int width, int height,
                int channels, const std::string& textKey = {}, const std::string& textValue = {});

}  // namespace dcmlens::io
