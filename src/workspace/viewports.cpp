#include "workspace/viewports.hpp"

#include <algorithm>
#include <cmath>

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
        if (v.view.plane && crosshair_ && session->volume()) {
            // Decoding goes nearest to the slice the crosshair is in.
            const series::VolumeGeometry& g = *session->volume();
            const int slice =
                std::clamp(static_cast<int>(std::lround(g.voxelFromPatient(*crosshair_)[2])), 0,
                           g.sliceCount() - 1);
            const int frame = g.slices()[static_cast<std::size_t>(slice)].frame;
            auto it = std::find_if(focus.begin(), focus.end(),
                                   [&](const auto& p) { return p.first == v.seriesId; });
            if (it == focus.end()) {
                focus.push_back({v.seriesId, {frame}});
            } else {
                it->second.push_back(frame);
            }
            continue;  // the window is the volume's reference slice's, set when shown
        }
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
    if (v.view.plane) {  // a plane: its output is the image, square pixels
        ctx.imageWidth = std::max(1, v.view.plane->view.width);
        ctx.imageHeight = std::max(1, v.view.plane->view.height);
        ctx.pixelAspect = 1;
    }
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
    // The slices of a series shown in MPR move the crosshair onto the shown slice.
    if (crosshair_ && !source.view.plane) {
        const viewer::SlicePlane* slice = shownPlane(source, workspace);
        const bool mpr = std::any_of(viewports_.begin(), viewports_.end(), [&](const Viewport& v) {
            return v.view.plane && v.seriesId == source.seriesId;
        });
        if (slice && mpr) {
            const double d =
                slice->distance({(*crosshair_)[0], (*crosshair_)[1], (*crosshair_)[2]});
            setCrosshair(*crosshair_ - d * pixel::Vec3{slice->normal});
        }
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

namespace {

// A plane view resized to w x h keeping its centre and scale.
pixel::PlaneView resizedView(const pixel::PlaneView& view, int w, int h) {
    const pixel::Vec3 centre = view.patientAt(view.width / 2.0, view.height / 2.0);
    pixel::PlaneView v = view;
    v.width = w;
    v.height = h;
    v.origin =
        centre - (w / 2.0 * v.mmPerPixel) * v.plane.right - (h / 2.0 * v.mmPerPixel) * v.plane.down;
    return v;
}

}  // namespace

bool ViewportSet::renderPlane(Viewport& v, const Series& series, session::StackSession& session,
                              Workspace& workspace, int w, int h) {
    viewer::PlaneState& plane = *v.view.plane;
    const series::VolumeGeometry& g = *session.volume();
    if (!plane.fitted) {
        const pixel::Vec3 at = crosshair_.value_or(g.center());
        plane.view = g.fitView(plane.kind == pixel::PlaneKind::Oblique
                                   ? pixel::Plane{at, plane.view.plane.right, plane.view.plane.down}
                                   : pixel::standardPlane(plane.kind, at),
                               w, h);
        plane.fitted = true;
    } else if (plane.view.width != w || plane.view.height != h) {
        plane.view = resizedView(plane.view, w, h);
    }
    const model::Instance& reference = session.instanceOf(v.view.frame);
    pixel::DisplayOptions options = viewer::displayOptions(v.view, reference);
    options.stage = pixel::DisplayOptions::Stage::Output;
    RenderKey key;
    key.width = w;
    key.height = h;
    key.seriesId = v.seriesId;
    key.sessionSerial = series.sessionSerial;
    key.center = options.center;
    key.windowWidth = options.width;
    key.function = static_cast<int>(options.voiFunction.value_or(model::VoiFunction::Linear));
    key.voiLut = options.voiLutIndex.value_or(-1);
    key.inverse = options.presentation == model::PresentationShape::Inverse;
    key.colormap = options.colormap;
    key.linear = v.view.linear;
    const pixel::PlaneView& pv = plane.view;
    key.plane = {pv.origin[0],      pv.origin[1],
                 pv.origin[2],      pv.plane.right[0],
                 pv.plane.right[1], pv.plane.right[2],
                 pv.plane.down[0],  pv.plane.down[1],
                 pv.plane.down[2],  pv.mmPerPixel,
                 plane.slabMm,      static_cast<double>(static_cast<int>(plane.projection))};
    key.residentSlices = session.residentCount();
    key.resident = true;
    if (!v.rendered_.differs(key)) {
        return false;
    }
    v.target_->bind();
    try {
        glClearColor(0, 0, 0, 1);
        glClear(GL_COLOR_BUFFER_BIT);
        session.drawPlane(pv, plane.slabMm, plane.projection, options, v.view.linear);
    } catch (const Error& e) {
        workspace.addError(e.what());
    }
    v.rendered_.accept(key);
    glBindFramebuffer(GL_FRAMEBUFFER, 0);
    v.draws_ += 1;
    return true;
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
        if (v.view.plane && session && session->volume()) {
            drawn += renderPlane(v, *series, *session, workspace, w, h) ? 1 : 0;
            continue;
        }
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

bool ViewportSet::showPlane(int k, pixel::PlaneKind kind, Workspace& workspace, std::string* why) {
    Viewport& v = viewports_[static_cast<std::size_t>(k)];
    session::StackSession* session = v.empty() ? nullptr : workspace.session(v.seriesId);
    if (!session || !session->volume()) {
        if (why) {
            *why = session ? "cannot reformat this series: " + session->volumeProblem()
                           : std::string("the viewport shows no series");
        }
        return false;
    }
    const series::VolumeGeometry& g = *session->volume();
    if (!crosshair_) {
        crosshair_ = g.center();
    }
    viewer::PlaneState plane;
    plane.kind = kind;
    if (kind == pixel::PlaneKind::Oblique && v.view.plane) {
        plane.view = v.view.plane->view;  // an oblique plane keeps the axes it has
    }
    plane.view.plane = kind == pixel::PlaneKind::Oblique && v.view.plane
                           ? v.view.plane->view.plane
                           : pixel::standardPlane(kind, *crosshair_);
    plane.fitted = false;
    v.view.plane = plane;
    // The frame stands for the volume's reference (middle) slice: its window, VOI function and
    // polarity are the plane's (session::StackSession::planePipeline).
    v.view.frame = g.slices()[g.slices().size() / 2].frame;
    resetWindow(v, workspace);
    return true;
}

bool ViewportSet::showMpr(int seriesId, Workspace& workspace, std::string* why) {
    session::StackSession* session = workspace.session(seriesId);
    if (!session || !session->volume()) {
        if (why) {
            *why = session ? "cannot reformat this series: " + session->volumeProblem()
                           : std::string("cannot show this series");
        }
        return false;
    }
    setGrid({2, 2});
    crosshair_ = session->volume()->center();
    const pixel::PlaneKind kinds[] = {pixel::PlaneKind::Axial, pixel::PlaneKind::Coronal,
                                      pixel::PlaneKind::Sagittal};
    for (int k = 0; k < 4; ++k) {
        show(k, seriesId, workspace);
        if (k < 3) {
            showPlane(k, kinds[k], workspace, nullptr);
        }
    }
    links.window = true;  // window/level linked across the MPR viewports by default
    setActive(0);
    return true;
}

void ViewportSet::setCrosshair(const pixel::Vec3& p, const Workspace* workspace) {
    crosshair_ = p;
    for (Viewport& v : viewports_) {
        if (v.view.plane && v.view.plane->fitted) {
            v.view.plane->view = pixel::throughPoint(v.view.plane->view, p);
        } else if (v.view.plane) {
            v.view.plane->view.plane.point = p;
        }
    }
    if (!workspace) {
        return;
    }
    for (Viewport& v : viewports_) {
        const Series* series = workspace->find(v.seriesId);
        const bool mpr = std::any_of(viewports_.begin(), viewports_.end(), [&](const Viewport& o) {
            return o.view.plane && o.seriesId == v.seriesId;
        });
        if (!v.view.plane && series && mpr) {
            if (auto frame = series->planes.nearestFrame({p[0], p[1], p[2]})) {
                v.view.frame = *frame;  // the slice through the crosshair
            }
        }
    }
}

void ViewportSet::movePlane(int k, int steps, const Workspace& workspace) {
    Viewport& v = viewports_[static_cast<std::size_t>(k)];
    const Series* series = workspace.find(v.seriesId);
    if (!v.view.plane || !series || !series->session || !series->session->volume()) {
        return;
    }
    const pixel::Vec3 n = v.view.plane->view.plane.normal();
    const double step = series->session->volume()->slabSpacing(n);
    const pixel::Vec3 from = crosshair_.value_or(v.view.plane->view.plane.point);
    setCrosshair(from + (steps * step) * n, &workspace);
}

void ViewportSet::rotateOthers(int k, double radians) {
    const Viewport& source = viewports_[static_cast<std::size_t>(k)];
    if (!source.view.plane || radians == 0) {
        return;
    }
    const pixel::Vec3 axis = source.view.plane->view.plane.normal();
    for (std::size_t t = 0; t < viewports_.size(); ++t) {
        Viewport& v = viewports_[t];
        if (static_cast<int>(t) != k && v.view.plane && v.seriesId == source.seriesId) {
            // Screen rotation is clockwise for positive angles (y down): about the normal that
            // points into the screen, that is a right-handed turn.
            v.view.plane->view = pixel::rotated(v.view.plane->view, axis, radians);
            v.view.plane->kind = pixel::PlaneKind::Oblique;
        }
    }
}

void ViewportSet::resetPlanes(const Workspace& workspace) {
    for (Viewport& v : viewports_) {
        const Series* series = workspace.find(v.seriesId);
        if (!v.view.plane || !series || !series->session || !series->session->volume()) {
            continue;
        }
        crosshair_ = series->session->volume()->center();
        if (v.view.plane->kind == pixel::PlaneKind::Oblique) {
            v.view.plane->kind = pixel::PlaneKind::Axial;
        }
        v.view.plane->fitted = false;
    }
    for (std::size_t k = 0; k < viewports_.size() && k < 3; ++k) {
        Viewport& v = viewports_[k];
        if (v.view.plane && viewports_.size() == 4) {  // the MPR layout's three planes
            const pixel::PlaneKind kinds[] = {pixel::PlaneKind::Axial, pixel::PlaneKind::Coronal,
                                              pixel::PlaneKind::Sagittal};
            v.view.plane->kind = kinds[k];
        }
    }
}

std::optional<std::array<double, 2>> ViewportSet::crosshairOn(int k) const {
    const Viewport& v = viewports_[static_cast<std::size_t>(k)];
    if (!v.view.plane || !crosshair_) {
        return std::nullopt;
    }
    return v.view.plane->view.screenOf(*crosshair_);
}

}  // namespace dcmlens::workspace
