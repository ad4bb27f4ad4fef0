#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/app_context.hpp"
#include "app/panels/panel.hpp"
#include "app/platform.hpp"
#include "app/settings.hpp"
#include "app/viewer_app.hpp"
#include "app/viewport_view.hpp"
#include "input/input_mapper.hpp"
#include "render/renderer.hpp"
#include "ui/panels.hpp"
#include "viewer/change_tracker.hpp"
#include "workspace/viewports.hpp"
#include "workspace/workspace.hpp"

namespace dcmlens::app {

// The viewer application: it owns the renderer, the workspace (opened series and their
// sessions), the viewports of the layout, the side panel's tabs and the dialogs, and runs one
// UI frame at a time for the frame loop (frame_loop.cpp):
//   events of the window system -> the viewport under the pointer (input::InputMapper) or the
//   active one (keys) -> links between viewports -> workspace update (opens, uploads) ->
//   viewports drawn where their content changed -> ImGui: viewports, panels, menu, status.
// What is derived from the state (framebuffers, the state log, settings.txt) is remade only when
// its key changes (viewer::ChangeTracker): the one invalidation mechanism.
class App {
public:
    App(const ViewerOptions& options, Platform& platform);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // One UI frame between ImGui::NewFrame and ImGui::Render; false when the user asked to quit.
    bool frame(std::vector<PlatformEvent> events);
    // After the UI is drawn into the back buffer, before the swap (the annotated export).
    void afterRender(int framebufferWidth, int framebufferHeight);
    // Whether something goes on without input (loading, opening, cine, a capture): the loop
    // keeps drawing (at most `seconds` apart).
    bool busy(double& seconds) const;

private:
    // app.cpp: the frame, events, placing opened series, links.
    void layoutCells();
    void update();
    void dispatch(const std::vector<PlatformEvent>& events);
    void feed(int k, const input::Event& e);
    void handle(int k, const input::Outcome& o);
    void afterChanges(int k, const viewer::ViewState& before);
    void updateProbe();
    void advanceCine();
    void showSeries(int k, int seriesId);
    void setGrid(const viewer::Grid& grid);
    void toggleMpr();
    void openPaths(const std::vector<std::string>& paths, bool intoLayout);

    // app_ui.cpp: menu, side panel, status line, messages, help, dialogs.
    bool drawMenu();
    void drawSidePanel();
    void drawStatus();
    void drawMessages();
    void drawDialogs();
    void openBrowser();
    void startExport(const char* what);

    // app_output.cpp: exports, the state log, settings.
    void finishExport(const std::string& what, const std::string& path);
    void captureNow(int framebufferWidth, int framebufferHeight);
    std::string exportName(const std::string& suffix) const;
    void logState();
    void saveSettingsIfChanged();
    Settings currentSettings() const;

    ViewerOptions options_;
    Platform& platform_;
    std::string configDir_;
    Settings settings_;
    render::Renderer renderer_;
    workspace::Workspace workspace_;
    workspace::ViewportSet viewports_;
    viewer::AppState app_;
    Messages messages_;
    Actions actions_;
    std::map<std::string, ImVec2> widgets_;
    std::optional<Probe> probe_;
    using ProbeKey =
        std::tuple<int, int, int, int, int, bool, double, double, int, int, bool, std::string>;
    viewer::ChangeTracker<ProbeKey> probed_;
    viewer::ChangeTracker<ProbeKey> probedPlane_;
    ViewportView view_;
    std::vector<std::unique_ptr<Panel>> panels_;
    CompareTab* compare_ = nullptr;
    TagsTab* tags_ = nullptr;
    std::map<std::string, float> panelOverflow_;  // how far each tab's content was too wide
    std::size_t panel_ = 0;                       // the tab shown
    ui::FileBrowser browser_;
    std::string pendingExport_;  // what the save dialog is choosing a name for
    std::vector<viewer::Rect> cells_;
    viewer::Rect sidePanel_;
    float scale_ = 1;
    std::size_t errorsShown_ = 0;  // workspace errors already turned into messages
    std::string status_;           // the status line's text (the state log)

    // Events: the viewport a drag started in gets the motion and release (capture).
    std::optional<int> capture_;
    double cursorX_ = -1, cursorY_ = -1;
    int buttonsDown_ = 0;
    bool quit_ = false;
    int layoutInputs_ = -1;  // --layout: the next opened series goes to this viewport

    // Cine.
    std::chrono::steady_clock::time_point lastCine_ = std::chrono::steady_clock::now();
    double measuredCineFps_ = 0;

    // Outputs, each made again only when its key changes.
    std::ofstream stateLog_;
    viewer::ChangeTracker<std::string> logged_;
    viewer::ChangeTracker<Settings> saved_;
    std::string lastExport_;
    std::string captureTo_;  // an annotated export waiting for the frame to be drawn
    int captureIn_ = 0;
};

}  // namespace dcmlens::app
