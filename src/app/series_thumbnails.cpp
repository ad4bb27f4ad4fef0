#include "app/series_thumbnails.hpp"

#include <algorithm>
#include <optional>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/render.hpp"

namespace dcmlens::app {

namespace {

pixel::ViewMapping fitted(const model::Instance& in) {
    return pixel::fitView(in.pixel.columns, in.pixel.rows, pixel::pixelAspect(in.geometry),
                          SeriesThumbnails::kSize, SeriesThumbnails::kSize);
}

}  // namespace

SeriesThumbnails::Result SeriesThumbnails::get(std::size_t index, const series::SeriesStack& stack,
                                               session::StackSession* shown,
                                               render::Renderer& renderer, bool& decodedOne) {
    Result result;
    auto it = made_.find(index);
    if (it != made_.end()) {
        result.texture = it->second ? it->second->texture() : 0;
        return result;
    }
    const int middle = static_cast<int>(stack.frameCount() / 2);
    if (shown != nullptr && !shown->resident(middle) &&
        (middle < shown->windowStart() || middle >= shown->windowStart() + shown->windowFrames() ||
         shown->progress().finished())) {
        shown = nullptr;  // it will not become resident (outside the window, or it failed)
    }
    if ((shown != nullptr && !shown->resident(middle)) || (shown == nullptr && decodedOne)) {
        result.pending = true;
        return result;
    }
    auto target = std::make_unique<render::Framebuffer>(kSize, kSize);
    try {
        if (shown != nullptr) {
            const model::Instance& in = shown->instanceOf(middle);
            pixel::DisplayOptions options;
            if (in.windowsFor(shown->frameInInstance(middle)).empty()) {
                // Its values live on the GPU only: the min-max window from the loader's statistics.
                const model::Window w = pixel::minMaxWindow(shown->frameStats(middle).range);
                options.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
                options.center = w.center;
                options.width = w.width;
                options.voiFunction = model::VoiFunction::Linear;
            }
            target->bind();
            shown->draw(middle, options, fitted(in), false, kSize, kSize);
        } else {
            decodedOne = true;
            int frame = middle;  // the middle frame: its instance, and the frame within it
            std::size_t k = 0;
            while (k + 1 < stack.instances.size() &&
                   frame >= std::max(1, stack.instances[k]->pixel.frames)) {
                frame -= std::max(1, stack.instances[k]->pixel.frames);
                ++k;
            }
            const std::unique_ptr<dicom::DicomFile> file = dicom::openInstance(*stack.instances[k]);
            const model::PixelBuffer stored = file->decodeFrame(frame);
            const model::Instance in = file->release();
            const auto image = renderer.upload(stored);
            std::optional<pixel::GrayPipeline> gray;
            if (stored.samples() == 1 && in.pixel.photometric != model::Photometric::PaletteColor) {
                gray = pixel::makeGrayPipeline(in, {stored, 0, frame}, {});
            }
            render::DrawRequest r;
            r.instance = &in;
            r.gray = gray ? &*gray : nullptr;
            r.view = fitted(in);
            r.outputWidth = kSize;
            r.outputHeight = kSize;
            target->bind();
            renderer.draw(*image, r);
        }
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        result.texture = target->texture();
        made_[index] = std::move(target);
    } catch (const Error& e) {
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        result.error = stack.description + ": no thumbnail: " + e.what();
        made_[index] = nullptr;
    }
    return result;
}

}  // namespace dcmlens::app
