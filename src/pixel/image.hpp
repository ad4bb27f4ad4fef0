#pragma once

#include <cstdint>
#include <vector>

namespace dcmlens::pixel {

// An 8-bit output image: 1 channel (grey) or 3 (RGB, interleaved).
struct Image {
    int width = 0;
    int height = 0;
    int channels = 1;
    std::vector<std::uint8_t> data;

    Image() = default;
    Image(int w, int h, int c)
        : width(w), height(h), channels(c), data(static_cast<std::size_t>(w) * h * c) {}
    std::uint8_t* pixel(int x, int y) {
        return data.data() + (static_cast<std::size_t>(y) * width + x) * channels;
    }
    const std::uint8_t* pixel(int x, int y) const {
        return data.data() + (static_cast<std::size_t>(y) * width + x) * channels;
    }
};

}  // namespace dcmlens::pixel
