#include "workspace/viewports.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/modality.hpp"

namespace dcmlens::workspace {

namespace {

bool greyscale(const model::Instance& in) {
    return in.pixel.samplesPerPixel == 1 &&
           in.pixel.photometric != model::Photometric::PaletteColor;
}

// The modality value range a frame may have: its statistics once resident, else what the header
// allows (the window drag's gain until the pixels arrive).
pixel::ValueRange valueRange(session::StackSession& session, int frame) {
    if (session.resident(frame)) {
        return session.frameStats(frame).range;
    }
    const model::Instance& in = session.instanceOf(frame);
    const pixel::ModalityTransform modality(in.modalityFor(session.frameInInstance(frame)),
                                            in.pixel);
    return {modality.absMinimum(), modality.absMaximum()};
}

}  // namespace

const model::PixelBuffer* Viewport::frameValues(Workspace& workspace) {
    session::StackSession* session = workspace.session(seriesId);
    const Series* series = workspace.find(seriesId);
    if (!session || !series || !session->resident(view.frame)) {
        return nullptr;
    }
    const auto key = std::make_tuple(seriesId, series->sessionSerial, view.frame);
    if (valuesFor_ != key) {
        const model::Instance& in = session->instanceOf(view.frame);
        values_ = in.stored.empty() ? workspace.renderer().readLayer(*session->image(),
                                                                     session->layerOf(view.frame))
                                    : in.stored.frame(session->frameInInstance(view.frame));
        valuesFor_ = key;
    }
    return &values_;
}

std::optional<model::Window> Viewport::stageWindow(Workspace& workspace) {
    using Stage = pixel::DisplayOptions::Stage;
    if (view.stage != Stage::Stored && view.stage != Stage::Modality) {
        return std::nullopt;
    }
    session::StackSession* session = workspace.session(seriesId);
    const Series* series = workspace.find(seriesId);
    if (!session || !series || !session->resident(view.frame)) {
        return std::nullopt;
    }
    const auto key =
        std::make_tuple(seriesId, series->sessionSerial, view.frame, static_cast<int>(view.stage));
    if (stageFor_ != key) {
        stageWindow_.reset();
        const model::Instance& in = session->instanceOf(view.frame);
        if (greyscale(in)) {
            const int f = session->frameInInstance(view.frame);
            const pixel::ModalityTransform modality(
                view.stage == Stage::Stored ? model::ModalityInfo{} : in.modalityFor(f), in.pixel);
            if (const model::PixelBuffer* values = frameValues(workspace)) {
                if (auto range = pixel::modalityRange(*values, 0, modality, in.padding)) {
                    stageWindow_ = pixel::minMaxWindow(*range);
                }
            }
        }
        stageFor_ = key;
    }
    return stageWindow_;
}

ViewportSet::ViewportSet() : viewports_(1) {}

void ViewportSet::setGrid(const viewer::Grid& grid) {
    grid_ = grid;
    viewports_.resize(static_cast<std::size_t>(grid.count()));
    active_ = std::clamp(active_, 0, grid.count() - 1);
}

void ViewportSet::setActive(int index) {
    active_ = std::clamp(index, 0, static_cast<int>(viewports_.size()) - 1);
}

void ViewportSet::show(int k, int seriesId, Workspace& workspace) {
    Viewport& v = viewports_[static_cast<std::size_t>(k)];
    session::StackSession* session = workspace.session(seriesId);
    if (!session) {
        return;
    }
    const viewer::ViewState defaults = viewDefaults;
    v = Viewport();
    v.seriesId = seriesId;
    v.view = defaults;
    v.view.frameCount = session->frameCount();
    v.view.frame = 0;
    resetWindow(v, workspace);
}

int ViewportSet::placeForNewSeries() const {
    for (std::size_t k = 0; k < viewports_.size(); ++k) {
        if (viewports_[k].empty()) {
            return static_cast<int>(k);
        }
    }
    return active_;
}

void ViewportSet::dropMissing(const Workspace& workspace) {
    for (Viewport& v : viewports_) {
        if (!v.empty() && !workspace.find(v.seriesId)) {
            v = Viewport();
        }
    }
}

void ViewportSet::resetWindow(Viewport& v, Workspace& workspace) {
    session::StackSession* session = workspace.session(v.seriesId);
    if (!session || v.view.frame >= session->frameCount()) {
        return;
    }
    const int frame = v.view.frame;
    const model::Instance& in = session->instanceOf(frame);
    const int f = session->frameInInstance(frame);
    const auto& windows = in.windowsFor(f);
    if (!windows.empty()) {
        v.view.center = windows.front().center;
        v.view.width = windows.front().width;
    } else {
        const model::Window mm = pixel::minMaxWindow(valueRange(*session, frame));
        v.view.center = mm.center;
        v.view.width = mm.width;
    }
    v.view.function = in.voiFunctionFor(f);
    v.view.voiLut.reset();
    v.windowAdjusted = false;
    const Series* series = workspace.find(v.seriesId);
    v.defaultsFor_ = std::make_tuple(v.seriesId, series ? series->sessionSerial : 0, frame,
                                     session->resident(frame));
}

void ViewportSet::refresh(Workspace& workspace) {
    std::vector<std::pair<int, std::vector<int>>> focus;
    for (std::size_t k = 0; k < viewports_.size(); ++k) {
        // The active viewport first: the window of an over-budget stack follows it.
        const std::size_t index = k == 0 ? static_cast<std::size_t>(active_)
                                         : (k <= static_cast<std::size_t>(active_) ? k - 1 : k);
        Viewport& v = viewports_[index];
        if (v.empty()) {
            continue;
        }
        session::StackSession* session = workspace.session(v.seriesId);
        const Series* series = workspace.find(v.seriesId);
        if (!session || !series) {
            v = Viewport();
            continue;
        }
        v.view.frameCount = session->frameCount();
        v.view.frame = std::clamp(v.view.frame, 0, v.view.frameCount - 1);
        // While the user has not set a window: each frame its own default (when the file gives
        // one per frame), and min-max once the first shown frame's values are known.
        if (!v.windowAdjusted) {
            const int f = session->frameInInstance(v.view.frame);
            const bool fileWindow = !session->instanceOf(v.view.frame).windowsFor(f).empty();
            const bool resident = session->resident(v.view.frame);
            const auto& [sid, serial, frame, wasResident] = v.defaultsFor_;
            const bool sameSession = sid == v.seriesId && serial == series->sessionSerial;
            if (!sameSession || (fileWindow && frame != v.view.frame) ||
                (!fileWindow && resident && !wasResident)) {
                resetWindow(v, workspace);
            }
        }
        auto it = std::find_if(focus.begin(), focus.end(),
                               [&](const auto& p) { return p.first == v.seriesId; });
        if (it == focus.end()) {
            focus.push_back({v.seriesId, {v.view.frame}});
        } else {
            it->second.push_back(v.view.frame);
        }
    }
    for (const auto& [id, frames] : focus) {
        auto before = std::find_if(focused_.begin(), focused_.end(),
                                   [&](const auto& p) { return p.first == id; });
        if (before == focused_.end() || before->second != frames) {
            if (session::StackSession* s = workspace.session(id)) {
                s->focus(frames);
            }
        }
    }
    focused_ = std::move(focus);
}

viewer::ViewContext ViewportSet::context(const Viewport& v, const Workspace& workspace, int width,
                                         int height) const {
    viewer::ViewContext ctx;
    ctx.viewportWidth = std::max(1, width);
    ctx.viewportHeight = std::max(1, height);
    const Series* series = workspace.find(v.seriesId);
    if (!series || !series->session || v.view.frame >= series->session->frameCount()) {
        return ctx;
    }
    session::StackSession& session = *series->session;
    const model::Instance& in = session.instanceOf(v.view.frame);
    ctx.imageWidth = in.pixel.columns;
    ctx.imageHeight = in.pixel.rows;
    ctx.pixelAspect = pixel::pixelAspect(in.geometry);
    const pixel::ValueRange range = valueRange(session, v.view.frame);
    ctx.valueMin = range.min;
    ctx.valueMax = range.max;
    return ctx;
}

std::vector<viewer::Preset> ViewportSet::presets(const Viewport& v,
                                                 const Workspace& workspace) const {
    std::vector<viewer::Preset> out;
    const Series* series = workspace.find(v.seriesId);
    if (!series || !series->session || v.view.frame >= series->session->frameCount()) {
        return out;
    }
    session::StackSession& session = *series->session;
    const model::Instance& in = session.instanceOf(v.view.frame);
    if (in.modalityCode == "CT") {
        out = viewer::ctPresets();
    }
    const model::Window mm = pixel::minMaxWindow(valueRange(session, v.view.frame));
    out.push_back({"Min-max", mm.center, mm.width});
    if (session.resident(v.view.frame)) {
        if (const auto& p = session.frameStats(v.view.frame).percentile) {
            out.push_back({"1-99 %", p->center, p->width});
        }
    }
    return out;
}

const viewer::SlicePlane* ViewportSet::shownPlane(const Viewport& v,
                                                  const Workspace& workspace) const {
    const Series* series = workspace.find(v.seriesId);
    if (!series || v.view.frame < 0 ||
        v.view.frame >= static_cast<int>(series->planes.frames.size())) {
        return nullptr;
    }
    const auto& plane = series->planes.frames[static_cast<std::size_t>(v.view.frame)];
    return plane ? &*plane : nullptr;
}

void ViewportSet::scrolled(int k, bool alone, const Workspace& workspace) {
    if (!links.scroll || k < 0 || k >= static_cast<int>(viewports_.size())) {
        return;
    }
    Viewport& source = viewports_[static_cast<std::size_t>(k)];
    const Series* from = workspace.find(source.seriesId);
    if (!from) {
        return;
    }
    for (std::size_t t = 0; t < viewports_.size(); ++t) {
        Viewport& target = viewports_[t];
        const Series* to = workspace.find(target.seriesId);
        if (static_cast<int>(t) == k || !to) {
            continue;
        }
        const bool byPosition = viewer::linkableByPosition(from->planes, to->planes);
        if (!byPosition && !links.byIndex) {
            continue;
        }
        if (alone) {
            // The source moved by itself: its offset to this viewport becomes what is shown now.
            // One viewport sets the offset (the first linked one); the others follow it.
            if (byPosition) {
                const viewer::SlicePlane* ps = shownPlane(source, workspace);
                const viewer::SlicePlane* pt = shownPlane(target, workspace);
                if (ps && pt) {
                    source.linkOffsetMm = target.linkOffsetMm + pt->distance(ps->centre());
                }
            } else {
                source.linkOffsetFrames =
                    target.linkOffsetFrames - (target.view.frame - source.view.frame);
            }
            return;
        }
        const auto frame =
            viewer::followFrame(from->planes, source.view.frame, to->planes,
                                byPosition ? viewer::SyncMode::Position : viewer::SyncMode::Index,
                                target.linkOffsetMm - source.linkOffsetMm,
                                target.linkOffsetFrames - source.linkOffsetFrames);
        if (frame) {
            target.view.frame = *frame;
        }
    }
}

template <class F>
void ViewportSet::forEachOther(int k, F&& f) {
    for (std::size_t t = 0; t < viewports_.size(); ++t) {
        if (static_cast<int>(t) != k && !viewports_[t].empty()) {
            f(viewports_[t]);
        }
    }
}

void ViewportSet::windowChanged(int k) {
    if (!links.window) {
        return;
    }
    const Viewport& source = viewports_[static_cast<std::size_t>(k)];
    forEachOther(k, [&](Viewport& target) {
        target.view.center = source.view.center;
        target.view.width = source.view.width;
        target.view.function = source.view.function;
        target.view.voiLut.reset();
        target.windowAdjusted = true;
    });
}

void ViewportSet::zoomPanChanged(int k) {
    if (!links.zoomPan) {
        return;
    }
    const Viewport& source = viewports_[static_cast<std::size_t>(k)];
    forEachOther(k, [&](Viewport& target) {
        target.view.fit = source.view.fit;
        target.view.zoom = source.view.zoom;
        target.view.panX = source.view.panX;
        target.view.panY = source.view.panY;
    });
}

std::optional<viewer::Segment> ViewportSet::referenceLine(int k, const Workspace& workspace) const {
    if (k == active_ || k < 0 || k >= static_cast<int>(viewports_.size())) {
        return std::nullopt;
    }
    const viewer::SlicePlane* shown =
        shownPlane(viewports_[static_cast<std::size_t>(active_)], workspace);
    const viewer::SlicePlane* target =
        shownPlane(viewports_[static_cast<std::size_t>(k)], workspace);
    if (!shown || !target) {
        return std::nullopt;
    }
    return viewer::referenceLine(*shown, *target);
}

int ViewportSet::render(Workspace& workspace, const std::vector<std::pair<int, int>>& sizes) {
    int drawn = 0;
    for (std::size_t k = 0; k < viewports_.size() && k < sizes.size(); ++k) {
        Viewport& v = viewports_[k];
        const int w = std::max(1, sizes[k].first);
        const int h = std::max(1, sizes[k].second);
        if (!v.target_ || v.target_->width() != w || v.target_->height() != h) {
            v.target_ = std::make_unique<render::Framebuffer>(w, h);
            v.rendered_.reset();
        }
        RenderKey key;
        key.width = w;
        key.height = h;
        const Series* series = workspace.find(v.seriesId);
        session::StackSession* session = series ? workspace.session(v.seriesId) : nullptr;
        pixel::DisplayOptions options;
        pixel::ViewMapping mapping;
        if (session && v.view.frame < session->frameCount()) {
            key.seriesId = v.seriesId;
            key.sessionSerial = series->sessionSerial;
            key.frame = v.view.frame;
            key.resident = session->resident(v.view.frame);
            const model::Instance& in = session->instanceOf(v.view.frame);
            options = viewer::displayOptions(v.view, in);
            if (auto sw = v.stageWindow(workspace)) {
                options.center = sw->center;
                options.width = sw->width;
            }
            mapping = viewer::viewMapping(v.view, context(v, workspace, w, h));
            key.center = options.center;
            key.windowWidth = options.width;
            key.function =
                static_cast<int>(options.voiFunction.value_or(model::VoiFunction::Linear));
            key.voiLut = options.voiLutIndex.value_or(-1);
            key.inverse = options.presentation == model::PresentationShape::Inverse;
            key.colormap = options.colormap;
            key.stage = static_cast<int>(options.stage);
            key.offsetX = mapping.offsetX;
            key.offsetY = mapping.offsetY;
            key.scaleX = mapping.scaleX;
            key.scaleY = mapping.scaleY;
            key.orientation = mapping.orientation;
            key.linear = v.view.linear;
        }
        if (!v.rendered_.differs(key)) {
            continue;
        }
        v.target_->bind();
        try {
            if (key.resident) {
                session->draw(v.view.frame, options, mapping, v.view.linear, w, h);
            } else {
                glClearColor(0, 0, 0, 1);  // empty, or not decoded yet: black (the app says which)
                glClear(GL_COLOR_BUFFER_BIT);
            }
            v.rendered_.accept(key);
        } catch (const Error& e) {
            workspace.addError(e.what());
            v.rendered_.accept(key);  // not again and again
        }
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
        v.draws_ += 1;
        drawn += 1;
    }
    return drawn;
}

}  // namespace dcmlens::workspace
