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
    series::VolumeBuild volume = series::buildVolume(stack_);
    volume_ = std::move(volume.volume);
    volumeProblem_ = volume.problem;
    // A volume's chunks of layers must all fit one plane draw's texture units.
    image_ = renderer_.allocate(first.pixel.columns, first.pixel.rows, first.pixel.samplesPerPixel,
                                type, windowFrames_, volume_ ? renderer_.planeChunkLimit() : 0);
    if (volume_) {
        volumeProblem_ = renderer_.volumeProblem(*image_);
        if (!volumeProblem_.empty()) {
            volume_.reset();
        }
    }
    resident_.assign(frames_.size(), 0);
    stats_.assign(frames_.size(), {});
    headers_ = stack_.instances;
    failed_.assign(stack_.instances.size(), 0);
    if (volume_) {
        // Its tables now (a few KB): switching to a plane later uploads nothing.
        gpuVolume_ = renderer_.makeVolume(*image_, volume_->grid(), volumeSlices());
    }

    // The loader has every instance of the stack and decodes those of the window, nearest to the
    // focus first. Where the GPU samples host memory in place, the workers decode straight into
    // the layers: only when the whole stack is resident (a sliding window reuses layers, and an
    // instance still decoding into one must never meet the next image of that layer).
    std::vector<model::PixelBuffer> destinations;
    if (!windowed()) {
        for (std::size_t i = 0; i < stack_.instances.size(); ++i) {
            const std::vector<int>& frames = framesOfInstance_[i];
            destinations.push_back(stack_.instances[i]->stored.empty()
                                       ? renderer_.layerMemory(*image_, frames.front(),
                                                               static_cast<int>(frames.size()))
                                       : model::PixelBuffer());
        }
    }
    const std::size_t focusInstance = frames_[static_cast<std::size_t>(focusFrame)].instance;
    loader_ = std::make_unique<series::StackLoader>(stack_.instances, focusInstance, 0,
                                                    std::move(destinations), wantedInstances());

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
        pending_.push_back(std::move(r));
    }
    for (auto& e : loader_->takeErrors()) {
        errors_.push_back(std::move(e));
    }
    for (std::size_t i : loader_->takeFailures()) {
        failed_[i] = 1;
    }
    for (auto& late : loader_->takeLateStats()) {
        const std::size_t instance = late.index;
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
        bool kept = false;
        for (int frame : framesOfInstance_[r.index]) {
            if (!inWindow(frame) || resident_[static_cast<std::size_t>(frame)]) {
                continue;  // the window moved on while it decoded
            }
            const int layer = layerOf(frame);
            kept = true;
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
        if (!kept) {
            continue;
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

std::vector<render::GpuVolume::Slice> StackSession::volumeSlices() const {
    std::vector<render::GpuVolume::Slice> out;
    for (const auto& slice : volume_->slices()) {
        const model::Instance& in = instanceOf(slice.frame);
        const model::ModalityInfo& m = in.modalityFor(slice.instanceFrame);
        render::GpuVolume::Slice s;
        s.layer = resident(slice.frame) ? layerOf(slice.frame) : -1;
        s.slope = m.slope;
        s.intercept = m.intercept;
        out.push_back(s);
    }
    return out;
}

pixel::GrayPipeline StackSession::planePipeline(const pixel::DisplayOptions& options) const {
    if (!volume_) {
        throw Error("no volume to reformat: " + volumeProblem_);
    }
    const auto& slices = volume_->slices();
    const auto& reference = slices[slices.size() / 2];
    // Min-max over the volume: every resident slice's range (padding excluded).
    std::optional<pixel::ValueRange> range;
    for (const auto& slice : slices) {
        if (!resident(slice.frame)) {
            continue;
        }
        const pixel::ValueRange r = frameStats(slice.frame).range;
        range =
            range ? pixel::ValueRange{std::min(range->min, r.min), std::max(range->max, r.max)} : r;
    }
    return pixel::makePlanePipeline(instanceOf(reference.frame), reference.instanceFrame, options,
                                    range, frameStats(reference.frame).percentile);
}

void StackSession::drawPlane(const pixel::PlaneView& view, double slabMm,
                             pixel::Projection projection, const pixel::DisplayOptions& options,
                             bool linear) {
    if (!volume_ || !gpuVolume_) {
        throw Error("no volume to reformat: " + volumeProblem_);
    }
    const pixel::PlaneSampling sampling = volume_->sampling(view, slabMm, projection);
    const pixel::GrayPipeline gray = planePipeline(options);
    renderer_.updateVolume(*gpuVolume_, volumeSlices());
    render::PlaneDrawRequest r;
    r.gray = &gray;
    r.colormap = options.colormap;
    r.linear = linear;
    r.sampling = &sampling;
    renderer_.drawPlane(*image_, *gpuVolume_, r);
}

StackSession::PlaneProbe StackSession::probePlane(const pixel::PlaneView& view, double slabMm,
                                                  pixel::Projection projection,
                                                  const pixel::DisplayOptions& options, bool linear,
                                                  int x, int y) {
    if (!volume_) {
        throw Error("no volume to reformat: " + volumeProblem_);
    }
    const pixel::PlaneSampling sampling = volume_->sampling(view, slabMm, projection);
    const pixel::GrayPipeline gray = planePipeline(options);
    // The stored values of the slices this pixel reads: in memory, the layers' shared memory, or
    // read back from the GPU (textures), one layer each.
    const auto& geometry = volume_->slices();
    std::vector<pixel::VolumeSlice> slices(geometry.size());
    std::vector<model::PixelBuffer> read;
    const std::vector<int> needed = pixel::slicesRead(volume_->grid(), sampling, x, y, linear);
    read.reserve(needed.size());
    for (int k : needed) {
        const auto& g = geometry[static_cast<std::size_t>(k)];
        const model::Instance& in = instanceOf(g.frame);
        pixel::VolumeSlice& s = slices[static_cast<std::size_t>(k)];
        s.modality = pixel::ModalityTransform(in.modalityFor(g.instanceFrame), in.pixel);
        if (!resident(g.frame)) {
            continue;
        }
        if (!in.stored.empty()) {
            s.buffer = &in.stored;
            s.frame = g.instanceFrame;
            continue;
        }
        model::PixelBuffer memory = renderer_.layerMemory(*image_, layerOf(g.frame));
        read.push_back(memory.empty() ? renderer_.readLayer(*image_, layerOf(g.frame))
                                      : std::move(memory));
        s.buffer = &read.back();
        s.frame = 0;
    }
    PlaneProbe out;
    out.probe = pixel::probePlane(volume_->grid(), slices, sampling, view, gray, options.colormap,
                                  linear, x, y);
    if (out.probe.state != pixel::VolumeSample::State::Outside) {
        const auto& g = geometry[static_cast<std::size_t>(out.probe.slice)];
        out.file = instanceOf(g.frame).path;
        out.stackFrame = g.frame;
        out.probe.voxelPosition = volume_->patientFromVoxel({static_cast<double>(out.probe.column),
                                                             static_cast<double>(out.probe.row),
                                                             static_cast<double>(out.probe.slice)});
    }
    return out;
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

void StackSession::focus(const std::vector<int>& frames) {
    std::vector<std::size_t> instances;
    for (int frame : frames) {
        if (frame >= 0 && frame < frameCount()) {
            instances.push_back(frames_[static_cast<std::size_t>(frame)].instance);
        }
    }
    if (instances.empty()) {
        return;
    }
    focusFrame_ = frames.front();
    if (windowed() && !inWindow(focusFrame_)) {
        slideTo(std::clamp(focusFrame_ - windowFrames_ / 2, 0, frameCount() - windowFrames_));
    }
    loader_->focus(std::move(instances));
}

std::vector<char> StackSession::wantedInstances() const {
    std::vector<char> wanted(stack_.instances.size(), 0);
    for (int f = windowStart_; f < windowStart_ + windowFrames_; ++f) {
        const std::size_t i = frames_[static_cast<std::size_t>(f)].instance;
        wanted[i] = resident_[static_cast<std::size_t>(f)] ? wanted[i] : 1;
    }
    return wanted;
}

// The images that leave the window give their layers to those that enter it; the loader is told
// which instances to decode now (those that entered, nearest to the focus first).
void StackSession::slideTo(int start) {
    if (start == windowStart_) {
        return;
    }
    const int oldStart = windowStart_;
    windowStart_ = start;
    for (int f = oldStart; f < oldStart + windowFrames_; ++f) {
        if (inWindow(f) || !resident_[static_cast<std::size_t>(f)]) {
            continue;
        }
        resident_[static_cast<std::size_t>(f)] = 0;
        residentCount_ -= 1;
        stats_[static_cast<std::size_t>(f)] = {};
        // A colour instance kept its decoded values: back to its header, freeing them.
        const std::size_t i = frames_[static_cast<std::size_t>(f)].instance;
        if (!stack_.instances[i]->stored.empty() && headers_[i]->stored.empty()) {
            auto header = std::make_shared<model::Instance>(*stack_.instances[i]);
            header->stored = model::PixelBuffer();
            stack_.instances[i] = std::move(header);
        }
    }
    slides_ += 1;
    windowMessage_ = "The series has " + std::to_string(frameCount()) + " images (" +
                     std::to_string(pixelBytes_ >> 20) + " MB); " + std::to_string(windowFrames_) +
                     " fit the memory budget: showing images " + std::to_string(windowStart_ + 1) +
                     "-" + std::to_string(windowStart_ + windowFrames_) + ".";
    loader_->setWanted(wantedInstances());
}

series::StackLoader::Progress StackSession::progress() const {
    series::StackLoader::Progress p = loader_->progress();
    // Counted over the window's images, resident or failed, so that a slide does not make the
    // counts jump backwards past what is on the GPU.
    std::size_t done = 0;
    std::size_t total = 0;
    std::size_t last = stack_.instances.size();
    for (int f = windowStart_; f < windowStart_ + windowFrames_; ++f) {
        const std::size_t i = frames_[static_cast<std::size_t>(f)].instance;
        if (i == last) {
            continue;  // another frame of the same instance
        }
        last = i;
        total += 1;
        done += resident_[static_cast<std::size_t>(f)] || failed_[i] ? 1 : 0;
    }
    p.done = done;
    p.total = total;
    return p;
}

std::vector<std::string> StackSession::takeErrors() {
    std::vector<std::string> out;
    out.swap(errors_);
    return out;
}

}  // namespace dcmlens::session
