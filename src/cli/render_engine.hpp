#pragma once

// The render path shared by `dcmlens render` and `dcmlens compare`: decoding one frame of an
// input, and drawing it on the GPU (one EGL context for many images) or with the CPU reference.

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/arguments.hpp"
#include "headless/egl_context.hpp"
#include "model/instance.hpp"
#include "pixel/gray_pipeline.hpp"
#include "pixel/image.hpp"
#include "pixel/render.hpp"
#include "render/program_cache.hpp"
#include "render/renderer.hpp"

namespace dcmlens::cli {

// Where the time of a render goes (--timings), summed over a batch. Phases on worker threads
// (decode, png) overlap the GPU work, so the sum can exceed the wall time.
class Timings {
public:
    using Clock = std::chrono::steady_clock;
    template <class F>
    auto measure(const std::string& phase, F&& f) {
        const auto start = Clock::now();
        struct Add {
            Timings& t;
            const std::string& phase;
            Clock::time_point start;
            ~Add() {
                t.add(phase,
                      std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            }
        } add{*this, phase, start};
        return f();
    }
    std::string report() const {
        std::lock_guard<std::mutex> lock(mutex_);
        std::string line = "timings:";
        for (const auto& [phase, ms] : phases_) {
            char item[64];
            std::snprintf(item, sizeof item, " %s %.1f ms", phase.c_str(), ms);
            line += item;
        }
        return line;
    }

private:
    void add(const std::string& phase, double ms) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& entry : phases_) {
            if (entry.first == phase) {
                entry.second += ms;
                return;
            }
        }
        phases_.emplace_back(phase, ms);
    }
    mutable std::mutex mutex_;
    std::vector<std::pair<std::string, double>> phases_;
};

struct RenderSettings {
    pixel::DisplayOptions options;
    int frame = 0;
    std::optional<std::pair<int, int>> size;
    bool linear = false;
    bool cpu = false;
    pixel::Orientation orientation;  // --flip, --rotate
};

// One decoded input: its attributes and the stored values of the frame to render.
struct Decoded {
    model::Instance instance;
    model::PixelBuffer frame;
};

// --size WxH, --interp nearest|linear, --flip h|v and --rotate 90|180|270 into the settings
// (UsageError when malformed); viewOptionNames() are their names.
void readViewOptions(const Arguments& a, RenderSettings& settings);
const std::set<std::string>& viewOptionNames();
// --flip and --rotate alone (probe takes no --size).
pixel::Orientation readOrientation(const Arguments& a);

// Decodes frame `s.frame` of a file (throws dcmlens::Error with a one-line reason).
Decoded decodeInput(const std::string& path, const RenderSettings& s, Timings& timings);

// One EGL context, renderer, texture and framebuffer for a whole batch, made on first use; the
// texture and framebuffer are reused while images keep their shape.
class GpuSession {
public:
    // Makes the context (tens of ms on a software rasteriser): call early to overlap decoding.
    void start(Timings& timings) {
        if (!renderer_) {
            timings.measure("context", [&] {
                context_ = std::make_unique<headless::EglContext>();
                renderer_ = std::make_unique<render::Renderer>();
            });
        }
    }

    pixel::Image render(const Decoded& d, const pixel::FrameRef& ref,
                        const std::optional<pixel::GrayPipeline>& gray, const RenderSettings& s,
                        int width, int height, const pixel::ViewMapping& view, bool grayOutput,
                        Timings& timings) {
        start(timings);
        render::DrawRequest request;
        request.instance = &d.instance;
        request.gray = gray ? &*gray : nullptr;
        request.colormap = s.options.colormap;
        request.linear = s.linear;
        request.view = view;
        request.outputWidth = width;
        request.outputHeight = height;
        timings.measure("link",
                        [&] { renderer_->prepare(request, d.frame.type(), d.frame.samples()); });
        timings.measure("upload", [&] {
            if (image_ && image_->width() == d.frame.width() &&
                image_->height() == d.frame.height() && image_->samples() == d.frame.samples() &&
                imageType_ == d.frame.type()) {
                renderer_->uploadLayer(*image_, 0, d.frame, ref.bufferFrame);
            } else {
                image_.reset();
                image_ = renderer_->upload(d.frame);
                imageType_ = d.frame.type();
            }
        });
        if (!target_ || target_->width() != width || target_->height() != height) {
            target_.reset();
            target_ = std::make_unique<render::Framebuffer>(width, height);
        }
        target_->bind();
        timings.measure("draw", [&] {
            renderer_->draw(*image_, request);
            glFinish();  // so that the draw's time is not billed to the readback
        });
        return timings.measure("read", [&] { return target_->read(grayOutput ? 1 : 3); });
    }

    // Frees the GL objects, then the context (in that order); start() makes a new one.
    void stop() {
        if (renderer_) {
            const render::ProgramCache::Counts& c = renderer_->programCache().counts();
            programs_.loaded += c.loaded;
            programs_.compiled += c.compiled;
            programs_.stored += c.stored;
        }
        target_.reset();
        image_.reset();
        renderer_.reset();
        context_.reset();
    }

    // How the stopped sessions' shader programs were made (--timings).
    const render::ProgramCache::Counts& programs() const { return programs_; }

private:
    render::ProgramCache::Counts programs_;
    std::unique_ptr<headless::EglContext> context_;
    std::unique_ptr<render::Renderer> renderer_;
    std::unique_ptr<render::GpuImage> image_;
    model::SampleType imageType_ = model::SampleType::U8;
    std::unique_ptr<render::Framebuffer> target_;
};

// Renders a decoded frame as the settings say: on the GPU session, or with --cpu the CPU
// reference. Throws dcmlens::Error.
pixel::Image renderDecoded(const Decoded& d, const RenderSettings& s, GpuSession& gpu,
                           Timings& timings);

}  // namespace dcmlens::cli
