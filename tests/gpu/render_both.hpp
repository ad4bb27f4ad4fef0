#pragma once

// The GPU held to the CPU reference: the same view drawn by both, compared level by level.

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "pixel/render.hpp"
#include "render/renderer.hpp"

namespace dcmlens::gputest {

struct Diff {
    int maxDiff = 0;
    std::size_t differing = 0;
    std::size_t pixels = 0;
};

inline Diff compare(const pixel::Image& a, const pixel::Image& b) {
    Diff d;
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    EXPECT_EQ(a.channels, b.channels);
    if (a.data.size() != b.data.size()) {
        d.maxDiff = 256;
        return d;
    }
    d.pixels = static_cast<std::size_t>(a.width) * a.height;
    for (std::size_t i = 0; i < d.pixels; ++i) {
        int worst = 0;
        for (int c = 0; c < a.channels; ++c) {
            const std::size_t k =
                i * static_cast<std::size_t>(a.channels) + static_cast<std::size_t>(c);
            worst = std::max(worst, std::abs(a.data[k] - b.data[k]));
        }
        d.maxDiff = std::max(d.maxDiff, worst);
        d.differing += worst > 0 ? 1 : 0;
    }
    return d;
}

inline bool withinTolerance(const Diff& d) {
    return d.maxDiff == 0 || (d.maxDiff <= 1 && d.differing * 10000 <= d.pixels);
}

// Renders the same view on the GPU and on the CPU.
struct Both {
    pixel::Image gpu;
    pixel::Image cpu;
};

inline Both renderBoth(render::Renderer& renderer, const render::GpuImage& gpuImage,
                       const model::Instance& instance, const pixel::FrameRef& ref,
                       const pixel::DisplayOptions& options, int width, int height,
                       const pixel::ViewMapping& view, bool linear, int layer) {
    Both out;
    out.cpu = pixel::renderView(instance, ref, options, width, height, view, linear);
    std::optional<pixel::GrayPipeline> gray;
    if (ref.buffer.samples() == 1 &&
        instance.pixel.photometric != model::Photometric::PaletteColor) {
        gray = pixel::makeGrayPipeline(instance, ref, options);
    }
    render::Framebuffer target(width, height);
    target.bind();
    render::DrawRequest r;
    r.instance = &instance;
    r.gray = gray ? &*gray : nullptr;
    r.colormap = options.colormap;
    r.layer = layer;
    r.linear = linear;
    r.view = view;
    r.outputWidth = width;
    r.outputHeight = height;
    renderer.draw(gpuImage, r);
    out.gpu = target.read(out.cpu.channels);
    return out;
}

}  // namespace dcmlens::gputest
