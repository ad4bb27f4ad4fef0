#pragma once

// The GPU held to the CPU reference: the same view drawn by both (compared with test_support.hpp's
// compare and withinTolerance).

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

#include "pixel/render.hpp"
#include "render/renderer.hpp"
#include "test_support.hpp"

namespace dcmlens::gputest {

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
