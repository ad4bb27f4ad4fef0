#include "app/app.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>

#include "app/probe.hpp"
#include "common/error.hpp"
#include "series/image_source.hpp"

namespace dcmlens::app {

namespace {

constexpr std::uint64_t kUploadPerFrame = 64ull << 20;  // the GL thread stays fluid

}  // namespace

App::App(const ViewerOptions& options, Platform& platform)
    : options_(options),
      platform_(platform),
      configDir_(configFolder(options.configDir)),
      settings_(loadSettings(configDir_)),
      workspace_(renderer_) {
    saved_.accept(settings_);  // written again only when something changes
    workspace_.setRecent(settings_.recent);
    app_.annotations = settings_.annotations;
    viewports_.viewDefaults.colormap = settings_.colormap;
    viewports_.viewDefaults.linear = settings_.interpolate;
    scale_ = options.uiScale > 0
                 ? options.uiScale
                 : (settings_.uiScale > 0 ? settings_.uiScale : platform.contentScale());
    panels_ = makePanels(view_.rawWords());
    for (std::size_t i = 0; i < panels_.size(); ++i) {
        if (auto* c = dynamic_cast<CompareTab*>(panels_[i].get())) {
            compare_ = c;
        }
        if (auto* t = dynamic_cast<TagsTab*>(panels_[i].get())) {
            tags_ = t;
        }
        if (options.panel == panels_[i]->name()) {
            panel_ = i;
        }
    }
    actions_.openBrowser = [this] { openBrowser(); };
    actions_.open = [this](const std::vector<std::string>& paths) { openPaths(paths, false); };
    actions_.showSeries = [this](int k, int id) { showSeries(k, id); };
    actions_.exportView = [this](const char* what) { startExport(what); };
    actions_.toggleMpr = [this] { toggleMpr(); };
    if (!options.stateLog.empty()) {
        stateLog_.open(options.stateLog, std::ios::app);
    }
    if (auto grid = viewer::parseGrid(options.layout)) {
        setGrid(*grid);
    }
    if (options.paths.empty()) {
        workspace_.open(series::openDemo(), 0);
    } else {
        openPaths(options.paths, !options.layout.empty());
    }
}

App::~App() = default;

void App::openPaths(const std::vector<std::string>& paths, bool intoLayout) {
    if (intoLayout) {
        // --layout: one input per viewport, in reading order.
        for (std::size_t i = 0; i < paths.size(); ++i) {
            workspace_.open(series::openFiles({paths[i]}), static_cast<int>(i));
        }
        if (paths.size() > viewports_.viewports().size()) {
            messages_.error(std::to_string(paths.size()) + " inputs for a " +
                            viewports_.grid().name() + " layout: the last ones are in the " +
                            "Series tab only");
        }
        return;
    }
    workspace_.open(series::openFiles(paths), -1);
}

void App::toggleMpr() {
    workspace::Viewport& v = viewports_.activeViewport();
    const bool inMpr =
        std::any_of(viewports_.viewports().begin(), viewports_.viewports().end(),
                    [](const workspace::Viewport& w) { return w.view.plane.has_value(); });
    if (inMpr) {
        // Back to the series' slices in one viewport.
        const int id = v.seriesId;
        viewports_.setGrid({1, 1});
        viewports_.viewports()[0] = workspace::Viewport();
        if (id >= 0) {
            viewports_.show(0, id, workspace_);
        }
        viewports_.links.window = false;
        return;
    }
    if (v.empty()) {
        messages_.error("MPR: the active viewport shows no series");
        return;
    }
    std::string why;
    if (!viewports_.showMpr(v.seriesId, workspace_, &why)) {
        messages_.error(why);
    }
}

void App::setGrid(const viewer::Grid& grid) {
    viewports_.setGrid(grid);
    // Linked scrolling is on by default once there are two viewports.
    if (grid.count() > 1 && !viewports_.links.scroll) {
        viewports_.links.scroll = true;
    }
}

void App::showSeries(int k, int seriesId) {
    if (k < 0 || k >= static_cast<int>(viewports_.viewports().size())) {
        return;
    }
    viewports_.show(k, seriesId, workspace_);
    viewports_.setActive(k);
}

void App::layoutCells() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    // From the window's size and the menu bar's height (GetFrameHeight()), not WorkPos/WorkSize:
    // those count the menu bar only from the next frame, so the first frame would differ.
    const float menu = ImGui::GetFrameHeight();
    const float status = ImGui::GetFrameHeight() + 6;
    const float minimum = 260 * scale_;
    const float panel = static_cast<float>(
        viewer::clampPanelWidth(settings_.panelWidth * scale_, vp->Size.x, minimum));
    const viewer::Rect area{vp->Pos.x, vp->Pos.y + menu, std::max(64.0f, vp->Size.x - panel),
                            std::max(64.0f, vp->Size.y - menu - status)};
    cells_ = viewer::gridCells(viewports_.grid(), area, viewports_.viewports().size() > 1 ? 2 : 0);
    sidePanel_ = {area.x + area.width, area.y, panel, area.height};
}

void App::update() {
    const workspace::Workspace::Update u = workspace_.update(kUploadPerFrame);
    for (const auto& opened : u.opened) {
        if (opened.series.empty()) {
            continue;
        }
        // --layout: the viewport of its input, the first one staying active; otherwise the
        // first empty viewport, else the active one (README), which becomes the active one.
        const int last = static_cast<int>(viewports_.viewports().size()) - 1;
        if (opened.tag >= 0) {
            if (opened.tag <= last) {
                viewports_.show(opened.tag, opened.series.front(), workspace_);
            }
        } else {
            showSeries(std::min(viewports_.placeForNewSeries(), last), opened.series.front());
        }
    }
    for (; errorsShown_ < workspace_.errors().size(); ++errorsShown_) {
        messages_.error(workspace_.errors()[errorsShown_]);
    }
    viewports_.dropMissing(workspace_);
    viewports_.refresh(workspace_);
    std::set<int> shown;
    for (const auto& v : viewports_.viewports()) {
        if (!v.empty()) {
            shown.insert(v.seriesId);
        }
    }
    workspace_.releaseExcept(shown);
    std::vector<std::pair<int, int>> sizes;
    for (const viewer::Rect& c : cells_) {
        sizes.emplace_back(static_cast<int>(c.width), static_cast<int>(c.height));
    }
    viewports_.render(workspace_, sizes);
}

bool App::frame(std::vector<PlatformEvent> events) {
    layoutCells();
    update();
    AppContext ctx{workspace_, viewports_, app_, renderer_, messages_, actions_, probe_, widgets_};
    const int a = viewports_.active();
    if (a < static_cast<int>(cells_.size())) {
        ctx.activeSize = ImVec2(static_cast<float>(cells_[static_cast<std::size_t>(a)].width),
                                static_cast<float>(cells_[static_cast<std::size_t>(a)].height));
    }
    ctx.scale = scale_;
    ctx.measuredCineFps = measuredCineFps_;
    const bool quit = drawMenu();
    view_.beginFrame();
    for (std::size_t k = 0; k < cells_.size() && k < viewports_.viewports().size(); ++k) {
        const bool active = static_cast<int>(k) == viewports_.active();
        view_.draw(ctx, static_cast<int>(k), cells_[k],
                   active && compare_ ? [&](ImDrawList* list, ImVec2 o,
                                            ImVec2 s) { compare_->drawOverlay(ctx, list, o, s); }
                                      : std::function<void(ImDrawList*, ImVec2, ImVec2)>());
    }
    const int before = viewports_.active();
    const viewer::ViewState snapshot = viewports_.activeViewport().view;
    drawSidePanel();
    if (viewports_.active() == before) {
        // What a panel changed in the active viewport: links follow, as for input.
        afterChanges(before, snapshot);
        if (snapshot.frame != viewports_.activeViewport().view.frame) {
            viewports_.scrolled(before, false, workspace_);
        }
    }
    drawStatus();
    drawMessages();
    drawDialogs();
    ui::drawHelp(&app_.showHelp);
    dispatch(events);
    updateProbe();
    advanceCine();
    viewports_.refresh(workspace_);  // what this frame's input changed (per-frame windows)
    logState();
    saveSettingsIfChanged();
    return !(quit || quit_);
}

void App::updateProbe() {
    const auto k = view_.hovered();
    if (!k || !cells_[static_cast<std::size_t>(*k)].contains(cursorX_, cursorY_)) {
        return;  // the last probe stays listed while the cursor is elsewhere
    }
    const workspace::Viewport& v = viewports_.viewports()[static_cast<std::size_t>(*k)];
    const viewer::Rect& c = cells_[static_cast<std::size_t>(*k)];
    const viewer::ViewContext ctx =
        viewports_.context(v, workspace_, static_cast<int>(c.width), static_cast<int>(c.height));
    double ix = 0, iy = 0;
    viewer::viewportToImage(v.view, ctx, cursorX_ - c.x, cursorY_ - c.y, ix, iy);
    const int x = static_cast<int>(std::floor(ix));
    const int y = static_cast<int>(std::floor(iy));
    // Probed again only when the pixel, the frame, its residency or the display changes (a
    // probe of a GPU-only stack reads a value back from the GPU).
    session::StackSession* s = v.empty() ? nullptr : workspace_.session(v.seriesId);
    const ProbeKey key{*k,
                       v.seriesId,
                       v.view.frame,
                       x,
                       y,
                       s && s->resident(v.view.frame),
                       v.view.center,
                       v.view.width,
                       static_cast<int>(v.view.function),
                       v.view.voiLut.value_or(-1),
                       v.view.invert,
                       v.view.colormap};
    if (!probed_.changed(key) && !v.view.plane) {
        return;
    }
    if (v.view.plane) {
        // The plane's output pixel under the cursor, through the plane's pipeline.
        const int px = static_cast<int>(std::floor(cursorX_ - c.x));
        const int py = static_cast<int>(std::floor(cursorY_ - c.y));
        const viewer::PlaneState& plane = *v.view.plane;
        const ProbeKey planeKey{*k,
                                v.seriesId,
                                px,
                                py,
                                s ? s->residentCount() : 0,
                                plane.fitted,
                                plane.view.mmPerPixel,
                                plane.view.origin[0],
                                static_cast<int>(plane.projection),
                                v.view.linear,
                                v.view.center + v.view.width,
                                v.view.colormap};
        if (!probedPlane_.changed(planeKey) || !s || !s->volume() || !plane.fitted) {
            return;
        }
        try {
            pixel::DisplayOptions o = viewer::displayOptions(v.view, s->instanceOf(v.view.frame));
            o.stage = pixel::DisplayOptions::Stage::Output;
            Probe p;
            p.viewport = *k;
            p.x = px;
            p.y = py;
            p.frame = v.view.frame;
            p.plane =
                s->probePlane(plane.view, plane.slabMm, plane.projection, o, v.view.linear, px, py);
            p.stored = p.plane->probe.stored;
            p.modality = p.plane->probe.modality;
            p.voi = p.plane->probe.voi;
            p.output = p.plane->probe.output;
            p.rgb = p.plane->probe.rgb;
            probe_ = p;
        } catch (const Error&) {
            // outside what the plane can sample: keep the last probe
        }
        return;
    }
    if (auto p = probePixel(workspace_, v, *k, v.view.frame, x, y)) {
        probe_ = p;
    }
}

void App::advanceCine() {
    // Viewports playing cine step together at the chosen rate, else the active viewport's
    // object's Frame Time (0018,1063), else 15 fps; the rate shown is the one achieved.
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - lastCine_).count();
    const bool any = std::any_of(viewports_.viewports().begin(), viewports_.viewports().end(),
                                 [](const auto& v) { return v.view.cine && !v.empty(); });
    if (!any) {
        lastCine_ = now;
        measuredCineFps_ = 0;
        return;
    }
    double fps = app_.cineFps;
    if (fps <= 0) {
        const auto& v = viewports_.activeViewport();
        session::StackSession* s = v.empty() ? nullptr : workspace_.session(v.seriesId);
        const double ms = s ? s->instanceOf(v.view.frame).frameTimeMs : 0;
        fps = ms > 0 ? 1000 / ms : 15;
    }
    if (elapsed < 1 / fps) {
        return;
    }
    for (std::size_t k = 0; k < viewports_.viewports().size(); ++k) {
        workspace::Viewport& v = viewports_.viewports()[k];
        if (v.view.cine && !v.empty()) {
            v.view.frame = (v.view.frame + 1) % std::max(1, v.view.frameCount);
            viewports_.scrolled(static_cast<int>(k), false, workspace_);
        }
    }
    measuredCineFps_ = measuredCineFps_ <= 0 ? 1 / elapsed : 0.8 * measuredCineFps_ + 0.2 / elapsed;
    lastCine_ = now;
}

bool App::busy(double& seconds) const {
    // Opening: the progress moves (and the scan runs off this thread: frames keep coming).
    seconds = workspace_.opening() ? 0.01 : 0.25;
    bool busy = workspace_.opening() || !captureTo_.empty() || capture_.has_value();
    for (const auto& s : workspace_.series()) {
        if (s.session && !s.session->allResident() && !s.session->progress().finished()) {
            busy = true;
            seconds = 0.01;
        }
    }
    for (const auto& v : viewports_.viewports()) {
        if (v.view.cine) {
            busy = true;
            seconds = std::min(seconds, 0.005);
        }
    }
    return busy;
}

}  // namespace dcmlens::app
