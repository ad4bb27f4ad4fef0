// The App's input: the window system's events in order to the viewport under the pointer (a
// press makes it active and captures the drag), keys to the active viewport; each viewport's
// mapper (slices or a plane) turns them into changes of its view and requests to the App; the
// links between viewports follow.

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>

#include "app/app.hpp"

namespace dcmlens::app {

namespace {

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
    const std::vector<viewer::Preset> presets =
        grey ? viewports_.presets(v, workspace_) : std::vector<viewer::Preset>{};
    input::Outcome o;
    if (v.view.plane) {
        const auto at = viewports_.crosshairOn(k).value_or(std::array<double, 2>{0, 0});
        o = v.planeMapper.handle(e, v.view, app_, ctx, presets, at[0], at[1]);
        if (o.crosshair) {
            viewports_.setCrosshair(*o.crosshair, &workspace_);
        }
        if (o.moveSteps != 0) {
            viewports_.movePlane(k, o.moveSteps, workspace_);
        }
        if (o.rotateRadians != 0) {
            viewports_.rotateOthers(k, o.rotateRadians);
        }
    } else {
        o = v.mapper.handle(e, v.view, app_, ctx, presets);
    }
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
            if (v.view.plane) {
                viewports_.resetPlanes(workspace_);  // R in MPR: standard planes, centred
            }
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
            if (probe_ && probe_->viewport == k && probe_->frame == v.view.frame &&
                !v.view.plane) {  // pins are pixels of a slice
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
        case input::Request::Mpr:
            toggleMpr();
            break;
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

}  // namespace dcmlens::app
