#include "session/stack_session.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "model/memory_budget.hpp"

namespace dcmlens::session {

MemoryBudget defaultBudget() {
    // The one budget of model/memory_budget.hpp (DCMLENS_MEMORY_BUDGET, else 60 % of physical
    // memory), for the host and the GPU alike.
    MemoryBudget b;
    b.hostBytes = model::memoryBudget();
    b.gpuBytes = b.hostBytes;
    return b;
}

StackSession::StackSession(render::Renderer& renderer, series::SeriesStack stack, int focusFrame,
                           MemoryBudget budget)
    : renderer_(renderer), stack_(std::move(stack)) {
    if (stack_.instances.empty()) {
        throw Error("no images to show");
    }
    framesOfInstance_.resize(stack_.instances.size());
    for (std::size_t i = 0; i < stack_.instances.size(); ++i) {
        for (int f = 0; f < std::max(1, stack_.instances[i]->pixel.frames); ++f) {
            framesOfInstance_[i].push_back(static_cast<int>(frames_.size()));
            frames_.push_back({i, f});
        }
    }
    geometry_ = series::checkGeometry(stack_);
    const model::Instance& first = *stack_.instances.front();
    const model::SampleType type =
        model::sampleTypeFor(first.pixel.bitsStored, first.pixel.isSigned);
    const std::uint64_t frameBytes = static_cast<std::uint64_t>(first.pixel.columns) *
                                     first.pixel.rows * first.pixel.samplesPerPixel *
                                     model::sampleBytes(type);
    pixelBytes_ = frameBytes * frames_.size();

    // How many images fit: the tighter of the host and GPU budgets.
    const std::uint64_t budgetBytes = std::min(budget.hostBytes, budget.gpuBytes);
    const std::uint64_t fit = frameBytes > 0 ? budgetBytes / frameBytes : frames_.size();
    windowFrames_ = static_cast<int>(std::min<std::uint64_t>(frames_.size(), fit));
    if (windowFrames_ < 1) {
        throw Error("one image of " + std::to_string(first.pixel.columns) + "x" +
                    std::to_string(first.pixel.rows) + " needs " + model::formatBytes(frameBytes) +
                    ", more than the memory budget of " + model::formatBytes(budgetBytes) +
                    " (DCMLENS_MEMORY_BUDGET)");
    }
    focusFrame = std::clamp(focusFrame, 0, frameCount() - 1);
    focusFrame_ = focusFrame;
    windowStart_ = std::clamp(focusFrame - windowFrames_ / 2, 0, frameCount() - windowFrames_);
    if (windowed()) {
        windowMessage_ = "The series has " + std::to_string(frameCount()) + " images (" +
                         std::to_string(pixelBytes_ >> 20) + " MB); " +
                         std::to_string(windowFrames_) + " fit the memory budget: showing images " +
                         std::to_string(windowStart_ + 1) + "-" +
                         std::to_string(windowStart_ + windowFrames_) + ".";
    }
    image_ = renderer_.allocate(first.pixel.columns, first.pixel.rows, first.pixel.samplesPerPixel,
                                type, windowFrames_);
    resident_.assign(frames_.size(), 0);
    stats_.assign(frames_.size(), {});

    // Decode only the instances of the window, nearest to the focus first. Instances that
    // arrive decoded (the demo) go straight to the upload queue.
    std::vector<std::shared_ptr<const model::Instance>> toDecode;
    std::vector<std::size_t> indexOf;
    const std::size_t firstInstance = frames_[static_cast<std::size_t>(windowStart_)].instance;
    const std::size_t lastInstance =
        frames_[static_cast<std::size_t>(windowStart_ + windowFrames_ - 1)].instance;
    for (std::size_t i = firstInstance; i <= lastInstance; ++i) {
        if (!stack_.instances[i]->stored.empty()) {
            pending_.push_back(
                {i, stack_.instances[i], series::StackLoader::statsOf(*stack_.instances[i])});
        } else {
            toDecode.push_back(stack_.instances[i]);
            indexOf.push_back(i);
        }
    }
    const std::size_t focusInstance = frames_[static_cast<std::size_t>(focusFrame)].instance;
    std::size_t focusInDecode = 0;
    for (std::size_t k = 0; k < indexOf.size(); ++k) {
        if (indexOf[k] <= focusInstance) {
            focusInDecode = k;
        }
    }
    // Where the GPU samples host memory in place, the workers decode straight into the layers.
    std::vector<model::PixelBuffer> destinations;
    for (std::size_t i : indexOf) {
        const std::vector<int>& frames = framesOfInstance_[i];
        const int firstLayer = frames.front() - windowStart_;
        const int count = static_cast<int>(frames.size());
        destinations.push_back(firstLayer >= 0 && firstLayer + count <= windowFrames_
                                   ? renderer_.layerMemory(*image_, firstLayer, count)
                                   : model::PixelBuffer());
    }
    loader_ =
        std::make_unique<series::StackLoader>(toDecode, focusInDecode, 0, std::move(destinations));
    decodeIndex_ = std::move(indexOf);

    // While the first image decodes: compile the shader it will most likely be drawn with.
    if (first.pixel.samplesPerPixel == 1 &&
        first.pixel.photometric != model::Photometric::PaletteColor) {
        pixel::DisplayOptions options;
        options.windowMode = pixel::DisplayOptions::WindowMode::Explicit;
        options.center = 0;
        options.width = 1;
        const model::PixelBuffer none;
        const pixel::GrayPipeline gray = pixel::makeGrayPipeline(first, {none, 0, 0}, options);
        render::DrawRequest request;
        request.instance = &first;
        request.gray = &gray;
        try {
            renderer_.prepare(request, type, 1);
        } catch (const Error&) {
            // only a head start: the real draw compiles what it needs
        }
    }
}

int StackSession::pump(std::uint64_t maxBytes) {
    for (auto& r : loader_->takeReady()) {
        r.index = decodeIndex_[r.index];
        pending_.push_back(std::move(r));
    }
    for (auto& e : loader_->takeErrors()) {
        errors_.push_back(std::move(e));
    }
    for (auto& late : loader_->takeLateStats()) {
        const std::size_t instance = decodeIndex_[late.index];
        for (int frame : framesOfInstance_[instance]) {
            const auto k = static_cast<std::size_t>(frames_[static_cast<std::size_t>(frame)].frame);
            if (k < late.stats.size()) {
                stats_[static_cast<std::size_t>(frame)] = late.stats[k];
            }
        }
    }
    std::uint64_t sent = 0;
    int made = 0;
    while (!pending_.empty() && (sent == 0 || sent < maxBytes)) {
        series::StackLoader::Ready r = std::move(pending_.front());
        pending_.erase(pending_.begin());
        const model::PixelBuffer& stored = r.instance->stored;
        if (stored.width() != image_->width() || stored.height() != image_->height() ||
            stored.samples() != image_->samples() ||
            stored.type() != model::sampleTypeFor(stack_.instances.front()->pixel.bitsStored,
                                                  stack_.instances.front()->pixel.isSigned)) {
            errors_.push_back(r.instance->path +
                              ": decoded to a different size or type than its series");
            continue;
        }
        for (int frame : framesOfInstance_[r.index]) {
            const int layer = frame - windowStart_;
            if (layer < 0 || layer >= windowFrames_ || resident_[static_cast<std::size_t>(frame)]) {
                continue;
            }
            const std::uint64_t before = renderer_.uploadedBytes();
            renderer_.uploadLayer(*image_, layer, stored,
                                  frames_[static_cast<std::size_t>(frame)].frame);
            sent += renderer_.uploadedBytes() - before;
            resident_[static_cast<std::size_t>(frame)] = 1;
            residentCount_ += 1;
            made += 1;
            const std::size_t k =
                static_cast<std::size_t>(frames_[static_cast<std::size_t>(frame)].frame);
            if (k < r.stats.size()) {
                // The first image's 1-99 % window may have arrived before its upload.
                auto& stats = stats_[static_cast<std::size_t>(frame)];
                const auto percentile = stats.percentile;
                stats = r.stats[k];
                if (!stats.percentile) {
                    stats.percentile = percentile;
                }
            }
        }
        // Greyscale values live on the GPU only (the probe reads them back): one copy of the
        // pixels in memory, not two. Colour images keep theirs (RGB textures cannot be read back),
        // and so do images decoded into the GPU's shared memory (that is the one copy).
        if (stored.samples() == 1 && !stored.isView()) {
            // The header the stack was built from has the same attributes and no pixels: copying
            // it is cheap, copying the decoded instance would copy its pixels too.
            const auto& before = stack_.instances[r.index];
            auto header =
                std::make_shared<model::Instance>(before->stored.empty() ? *before : *r.instance);
            header->stored = model::PixelBuffer();
            header->decodedPhotometric = r.instance->decodedPhotometric;
            stack_.instances[r.index] = std::move(header);
        } else {
            stack_.instances[r.index] = r.instance;
        }
    }
    if (made == 0 && !resident(focusFrame_)) {
        // The shown image is still decoding: allocate its texture memory meanwhile (one
        // 4096x5120 image's 40 MB take ~25 ms on llvmpipe; the first image shows that much sooner).
        renderer_.reserveChunkOf(*image_, layerOf(focusFrame_));
    }
    return made;
}

void StackSession::draw(int frame, const pixel::DisplayOptions& options,
                        const pixel::ViewMapping& view, bool linear, int width, int height) {
    if (!resident(frame)) {
        throw Error("image " + std::to_string(frame + 1) + " is not loaded yet");
    }
    const model::Instance& in = instanceOf(frame);
    const int f = frameInInstance(frame);
    std::optional<pixel::GrayPipeline> gray;
    if (in.stored.samples() == 1 && in.pixel.photometric != model::Photometric::PaletteColor) {
        gray = pixel::makeGrayPipeline(in, {in.stored, f, f}, options);
    }
    render::DrawRequest r;
    r.instance = &in;
    r.gray = gray ? &*gray : nullptr;
    r.colormap = options.colormap;
    r.layer = layerOf(frame);
    r.linear = linear;
    r.view = view;
    r.outputWidth = width;
    r.outputHeight = height;
    renderer_.draw(*image_, r);
}

const model::Instance& StackSession::instanceOf(int frame) const {
    return *stack_.instances[frames_[static_cast<std::size_t>(frame)].instance];
}

std::int64_t StackSession::storedValue(int frame, int x, int y, int sample) {
    const model::Instance& in = instanceOf(frame);
    if (!resident(frame)) {
        throw Error("image " + std::to_string(frame + 1) + " is not loaded yet");
    }
    if (!in.stored.empty()) {
        return in.stored.at(frameInInstance(frame), x, y, sample);
    }
    return renderer_.readStored(*image_, layerOf(frame), x, y);
}

bool StackSession::resident(int frame) const {
    return frame >= 0 && frame < frameCount() && resident_[static_cast<std::size_t>(frame)];
}

void StackSession::focus(int frame) {
    if (frame < 0 || frame >= frameCount()) {
        return;
    }
    focusFrame_ = frame;
    const std::size_t instance = frames_[static_cast<std::size_t>(frame)].instance;
    std::size_t k = 0;
    for (std::size_t i = 0; i < decodeIndex_.size(); ++i) {
        if (decodeIndex_[i] <= instance) {
            k = i;
        }
    }
    loader_->focus(k);
}

series::StackLoader::Progress StackSession::progress() const {
    return loader_->progress();
}

std::vector<std::string> StackSession::takeErrors() {
    std::vector<std::string> out;
    out.swap(errors_);
    return out;
}

}  // namespace dcmlens::session
