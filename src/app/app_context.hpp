#pragma once

#include <imgui.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pixel/probe.hpp"
#include "render/renderer.hpp"
#include "viewer/view_state.hpp"
#include "workspace/viewports.hpp"
#include "workspace/workspace.hpp"

namespace dcmlens::app {

// Messages for the user that stay until dismissed (exports say where the file went; errors say
// what failed), shown over the image area.
class Messages {
public:
    struct Message {
        std::string text;
        bool error = false;
    };
    void info(std::string text) { add({std::move(text), false}); }
    void error(std::string text) { add({std::move(text), true}); }
    const std::vector<Message>& shown() const { return shown_; }
    void dismiss(std::size_t index) {
        if (index < shown_.size()) {
            shown_.erase(shown_.begin() + static_cast<std::ptrdiff_t>(index));
        }
    }
    void dismissAll() { shown_.clear(); }
    std::size_t errorCount() const { return errors_; }
    const std::string& lastError() const { return lastError_; }

private:
    void add(Message m) {
        if (m.error) {
            errors_ += 1;
            lastError_ = m.text;
        }
        shown_.push_back(std::move(m));
        if (shown_.size() > 8) {
            shown_.erase(shown_.begin());
        }
    }
    std::vector<Message> shown_;
    std::size_t errors_ = 0;
    std::string lastError_;
};

// Every stage of one pixel of a viewport (pixel::probePixel, the code that renders), where it
// is, and the word as decoded when the Probe tab wants it.
struct Probe : pixel::PixelProbe {
    int viewport = 0;
    int x = 0;
    int y = 0;
    int frame = 0;
    std::optional<std::int64_t> raw;
    // An MPR viewport: (x, y) is the output pixel; the plane's probe (patient position, nearest
    // voxel and its file, the interpolated or projected value) is here.
    std::optional<session::StackSession::PlaneProbe> plane;
};

// What the app can be asked to do by panels and menus (so that they need not know the App).
struct Actions {
    std::function<void()> openBrowser;
    std::function<void(const std::vector<std::string>&)> open;
    std::function<void(int viewport, int seriesId)> showSeries;
    std::function<void(const char* what)> exportView;  // "view", "annotated", "stored", "tags"
    std::function<void()> toggleMpr;                   // the MPR layout, or back
};

// What panels act on: the workspace, the viewports (the active one first of all), the app's
// state, the probe, and where controls are on the screen (for the state log).
struct AppContext {
    workspace::Workspace& workspace;
    workspace::ViewportSet& viewports;
    viewer::AppState& app;
    render::Renderer& renderer;
    Messages& messages;
    Actions& actions;
    const std::optional<Probe>& probe;
    std::map<std::string, ImVec2>& widgets;
    // The active viewport's size on the screen (its framebuffer's), and the UI scale.
    ImVec2 activeSize{1, 1};
    float scale = 1;
    double measuredCineFps = 0;  // frames per second cine actually shows
    // Records the centre of the last ImGui item under `name` (tests click it).
    void remember(const std::string& name) const {
        const ImVec2 a = ImGui::GetItemRectMin();
        const ImVec2 b = ImGui::GetItemRectMax();
        widgets[name] = ImVec2((a.x + b.x) / 2, (a.y + b.y) / 2);
    }
    workspace::Viewport& active() const { return viewports.activeViewport(); }
    viewer::ViewContext activeContext() const {
        return viewports.context(active(), workspace, static_cast<int>(activeSize.x),
                                 static_cast<int>(activeSize.y));
    }
    session::StackSession* activeSession() const {
        return active().empty() ? nullptr : workspace.session(active().seriesId);
    }
    // The active viewport's session; without one, says so in the panel and returns null.
    session::StackSession* activeSessionOrSay() const {
        session::StackSession* s = activeSession();
        if (!s) {
            ImGui::TextDisabled("the active viewport shows no series");
        }
        return s;
    }
};

}  // namespace dcmlens::app
