#include "app/app.hpp"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>

#include "app/probe.hpp"
#include "series/image_source.hpp"

namespace dcmlens::app {

namespace {

constexpr std::uint64_t kUploadPerFrame = 64ull << 20;  // the GL thread stays fluid

input::Key keyFor(int key, int mods) {
    switch (key) {
        case GLFW_KEY_UP:
            return input::Key::Up;
        case GLFW_KEY_DOWN:
            return input::Key::Down;
        case GLFW_KEY_LEFT:
            return input::Key::Left;
        case GLFW_KEY_RIGHT:
            return input::Key::Right;
        case GLFW_KEY_PAGE_UP:
            return input::Key::PageUp;
        case GLFW_KEY_PAGE_DOWN:
            return input::Key::PageDown;
        case GLFW_KEY_HOME:
            return input::Key::Home;
        case GLFW_KEY_END:
            return input::Key::End;
        case GLFW_KEY_SPACE:
            return input::Key::Space;
        case GLFW_KEY_TAB:
            return input::Key::Tab;
        case GLFW_KEY_ENTER:
        case GLFW_KEY_KP_ENTER:
            return input::Key::Enter;
        case GLFW_KEY_DELETE:
            return input::Key::Delete;
        case GLFW_KEY_A:
            return input::Key::A;
        case GLFW_KEY_C:
            return input::Key::C;
        case GLFW_KEY_E:
            return input::Key::E;
        case GLFW_KEY_F:
            return input::Key::F;
        case GLFW_KEY_H:
            return input::Key::H;
        case GLFW_KEY_I:
            return input::Key::I;
        case GLFW_KEY_K:
            return input::Key::K;
        case GLFW_KEY_L:
            return input::Key::L;
        case GLFW_KEY_M:
            return input::Key::M;
        case GLFW_KEY_O:
            return input::Key::O;
        case GLFW_KEY_P:
            return input::Key::P;
        case GLFW_KEY_Q:
            return input::Key::Q;
        case GLFW_KEY_R:
            return input::Key::R;
        case GLFW_KEY_S:
            return input::Key::S;
        case GLFW_KEY_V:
            return input::Key::V;
        case GLFW_KEY_LEFT_BRACKET:
            return input::Key::BracketLeft;
        case GLFW_KEY_RIGHT_BRACKET:
            return input::Key::BracketRight;
        case GLFW_KEY_EQUAL:  // '+' is Shift+= on most layouts
        case GLFW_KEY_KP_ADD:
            return input::Key::Plus;
        case GLFW_KEY_MINUS:
        case GLFW_KEY_KP_SUBTRACT:
            return input::Key::Minus;
        case GLFW_KEY_F1:
            return input::Key::F1;
        case GLFW_KEY_SLASH:
            return (mods & GLFW_MOD_SHIFT) ? input::Key::Question : input::Key::Unknown;
        case GLFW_KEY_ESCAPE:
            return input::Key::Escape;
        default:
            break;
    }
    if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) {
        return static_cast<input::Key>(static_cast<int>(input::Key::Digit0) + key - GLFW_KEY_0);
    }
    return input::Key::Unknown;
}

int modsOf(int glfwMods) {
    return (glfwMods & GLFW_MOD_SHIFT ? input::kShift : 0) |
           (glfwMods & GLFW_MOD_CONTROL ? input::kCtrl : 0) |
           (glfwMods & GLFW_MOD_ALT ? input::kAlt : 0);
}

int currentMods() {
    const ImGuiIO& io = ImGui::GetIO();
    return (io.KeyShift ? input::kShift : 0) | (io.KeyCtrl ? input::kCtrl : 0) |
           (io.KeyAlt ? input::kAlt : 0);
}

bool sameWindow(const viewer::ViewState& a, const viewer::ViewState& b) {
    return a.center == b.center && a.width == b.width && a.function == b.function &&
           a.voiLut == b.voiLut;
}

bool sameZoomPan(const viewer::ViewState& a, const viewer::ViewState& b) {
    return a.fit == b.fit && a.zoom == b.zoom && a.panX == b.panX && a.panY == b.panY;
}

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

void App::dispatch(const std::vector<PlatformEvent>& events) {
    const ImGuiIO& io = ImGui::GetIO();
    auto local = [&](int k, double x, double y, input::Event e) {
        const viewer::Rect& c = cells_[static_cast<std::size_t>(k)];
        e.x = x - c.x;
        e.y = y - c.y;
        return e;
    };
    // The viewport under a point, when ImGui has nothing of its own there (a panel, a popup).
    auto under = [&](double x, double y) -> std::optional<int> {
        const auto h = view_.hovered();
        if (h && static_cast<std::size_t>(*h) < cells_.size() &&
            cells_[static_cast<std::size_t>(*h)].contains(x, y)) {
            return h;
        }
        return std::nullopt;
    };
    for (const PlatformEvent& p : events) {
        input::Event e;
        switch (p.type) {
            case PlatformEvent::Type::Cursor:
                cursorX_ = p.x;
                cursorY_ = p.y;
                if (capture_) {
                    e.type = input::Event::Type::Move;
                    e.mods = currentMods();
                    feed(*capture_, local(*capture_, p.x, p.y, e));
                }
                break;
            case PlatformEvent::Type::Button: {
                if (p.key < 0 || p.key > 2) {
                    break;
                }
                e.button = p.key == GLFW_MOUSE_BUTTON_LEFT    ? input::Button::Left
                           : p.key == GLFW_MOUSE_BUTTON_RIGHT ? input::Button::Right
                                                              : input::Button::Middle;
                e.mods = modsOf(p.mods);
                if (p.action == GLFW_PRESS) {
                    const std::optional<int> k = capture_ ? capture_ : under(p.x, p.y);
                    if (!k) {
                        break;
                    }
                    buttonsDown_ |= 1 << p.key;
                    capture_ = k;
                    viewports_.setActive(*k);
                    e.type = input::Event::Type::Press;
                    feed(*k, local(*k, p.x, p.y, e));
                } else if (p.action == GLFW_RELEASE && capture_) {
                    buttonsDown_ &= ~(1 << p.key);
                    e.type = input::Event::Type::Release;
                    feed(*capture_, local(*capture_, p.x, p.y, e));
                    if (buttonsDown_ == 0) {
                        capture_.reset();
                    }
                }
                break;
            }
            case PlatformEvent::Type::Scroll:
                if (const auto k = under(cursorX_, cursorY_)) {
                    e.type = input::Event::Type::Wheel;
                    e.wheel = p.y;
                    e.mods = currentMods();
                    feed(*k, local(*k, cursorX_, cursorY_, e));
                }
                break;
            case PlatformEvent::Type::Key: {
                if (io.WantTextInput) {
                    break;  // typing into a field: no shortcuts
                }
                e.key = keyFor(p.key, p.mods);
                const bool repeats = e.key == input::Key::Up || e.key == input::Key::Down ||
                                     e.key == input::Key::Left || e.key == input::Key::Right ||
                                     e.key == input::Key::PageUp || e.key == input::Key::PageDown;
                if (e.key == input::Key::Unknown || (p.action == GLFW_REPEAT && !repeats)) {
                    break;
                }
                e.type = p.action == GLFW_RELEASE ? input::Event::Type::KeyUp
                                                  : input::Event::Type::KeyDown;
                e.mods = modsOf(p.mods);
                // Keys work whether or not a series is shown (Ctrl+O after a failed open).
                const int k = viewports_.active();
                e.x = cursorX_ - cells_[static_cast<std::size_t>(k)].x;
                e.y = cursorY_ - cells_[static_cast<std::size_t>(k)].y;
                feed(k, e);
                break;
            }
            case PlatformEvent::Type::Drop:
                openPaths(p.paths, false);
                break;
            default:
                break;
        }
    }
}

void App::feed(int k, const input::Event& e) {
    workspace::Viewport& v = viewports_.viewports()[static_cast<std::size_t>(k)];
    const viewer::ViewState before = v.view;
    const auto& c = cells_[static_cast<std::size_t>(k)];
    const viewer::ViewContext ctx =
        viewports_.context(v, workspace_, static_cast<int>(c.width), static_cast<int>(c.height));
    const bool grey = [&] {
        session::StackSession* s = v.empty() ? nullptr : workspace_.session(v.seriesId);
        if (!s) {
            return false;
        }
        const model::Instance& in = s->instanceOf(v.view.frame);
        return in.pixel.samplesPerPixel == 1 &&
               in.pixel.photometric != model::Photometric::PaletteColor;
    }();
    const input::Outcome o =
        v.mapper.handle(e, v.view, app_, ctx,
                        grey ? viewports_.presets(v, workspace_) : std::vector<viewer::Preset>{});
    if (!grey && !v.empty()) {
        // Colour and palette images have no window (PS3.3 C.11.2): a drag or a preset key must
        // not pretend to change one.
        v.view.center = before.center;
        v.view.width = before.width;
        v.view.function = before.function;
        v.view.voiLut = before.voiLut;
    }
    handle(k, o);
    if (o.request != input::Request::ResetWindow) {
        afterChanges(k, before);
    }
    if (o.scrolled) {  // the user's scroll: linked viewports follow (or, alone, the offset)
        viewports_.scrolled(k, o.alone, workspace_);
    }
}

void App::afterChanges(int k, const viewer::ViewState& before) {
    workspace::Viewport& v = viewports_.viewports()[static_cast<std::size_t>(k)];
    if (!sameWindow(before, v.view)) {
        v.windowAdjusted = true;
        viewports_.windowChanged(k);
    }
    if (!sameZoomPan(before, v.view)) {
        viewports_.zoomPanChanged(k);
    }
}

void App::handle(int k, const input::Outcome& o) {
    workspace::Viewport& v = viewports_.viewports()[static_cast<std::size_t>(k)];
    switch (o.request) {
        case input::Request::OpenBrowser:
            openBrowser();
            break;
        case input::Request::ResetWindow:
            viewports_.resetWindow(v, workspace_);
            if (viewports_.links.window) {
                for (auto& other : viewports_.viewports()) {
                    if (&other != &v && !other.empty()) {
                        viewports_.resetWindow(other, workspace_);
                    }
                }
            }
            break;
        case input::Request::PinProbe:
            if (probe_ && probe_->viewport == k && probe_->frame == v.view.frame) {
                v.view.pins.push_back({probe_->x, probe_->y, probe_->frame});
            }
            break;
        case input::Request::ExportAnnotated:
            startExport("annotated");
            break;
        case input::Request::Quit:
            quit_ = true;
            break;
        case input::Request::NextViewport:
        case input::Request::PreviousViewport: {
            const int n = static_cast<int>(viewports_.viewports().size());
            const int step = o.request == input::Request::NextViewport ? 1 : n - 1;
            viewports_.setActive((viewports_.active() + step) % n);
            break;
        }
        case input::Request::Layout:
            setGrid(viewer::standardGrids()[static_cast<std::size_t>(o.argument)]);
            break;
        case input::Request::ToggleLinkedScrolling:
            viewports_.links.scroll = !viewports_.links.scroll;
            messages_.info(std::string("linked scrolling ") +
                           (viewports_.links.scroll ? "on" : "off"));
            break;
        case input::Request::ToggleAnnotations:
            app_.annotations = !app_.annotations;
            break;
        case input::Request::CineFaster:
        case input::Request::CineSlower: {
            session::StackSession* s = v.empty() ? nullptr : workspace_.session(v.seriesId);
            double fps = app_.cineFps;
            if (fps <= 0) {
                const double ms = s ? s->instanceOf(v.view.frame).frameTimeMs : 0;
                fps = ms > 0 ? 1000 / ms : 15;
            }
            fps = o.request == input::Request::CineFaster ? fps * 1.25 : fps / 1.25;
            app_.cineFps = std::clamp(std::round(fps * 10) / 10, 1.0, 60.0);
            break;
        }
        case input::Request::ToggleHelp:
            app_.showHelp = !app_.showHelp;
            break;
        case input::Request::Escape:
            app_.showHelp = false;
            break;
        case input::Request::None:
            break;
    }
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
    if (!probed_.changed(key)) {
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
    seconds = workspace_.opening() ? 0.005 : 0.25;
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
