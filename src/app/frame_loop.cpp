// The viewer's frame loop: the window, Dear ImGui, the App, and the wait between frames. It
// sleeps in the window system until an event arrives, draws a few frames after each (ImGui's
// hover states settle), and keeps drawing while the App is busy (loading, cine, a capture).

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <glad/gl.h>
#include <imgui.h>

#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "app/app.hpp"
#include "app/panels/panel.hpp"
#include "app/viewer_app.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::app {

int runViewer(const ViewerOptions& options) {
    const auto& names = panelNames();
    if (!options.panel.empty() &&
        std::find(names.begin(), names.end(), options.panel) == names.end()) {
        std::string list;
        for (const auto& n : names) {
            list += (list.empty() ? "" : ", ") + n;
        }
        std::cerr << "dcmlens: unknown panel '" << options.panel << "' (panels: " << list << ")"
                  << std::endl;
        return 2;
    }
    // DCMTK's data dictionary loads while the window opens, not when the first folder does.
    struct Joined {
        std::thread thread;
        ~Joined() { thread.join(); }
    } warmUp{std::thread(dicom::warmUp)};

    const std::string config = configFolder(options.configDir);
    const Settings settings = loadSettings(config);
    // The size asked for, else the one remembered, else 1280 x 800 at the top left.
    WindowGeometry geometry = settings.window.value_or(WindowGeometry{});
    if (options.width > 0 && options.height > 0) {
        geometry = WindowGeometry{0, 0, options.width, options.height};
    }
    std::unique_ptr<Platform> platform;
    try {
        platform = std::make_unique<Platform>(geometry, "dcmlens");
    } catch (const std::runtime_error& e) {
        std::cerr << "dcmlens: " << e.what() << std::endl;
        return 1;
    }
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    const std::string iniPath = config + "/imgui.ini";
    io.IniFilename = iniPath.c_str();  // table column widths persist in the config folder
    ImGui::StyleColorsDark();
    // HiDPI: fonts and sizes follow the monitor's content scale (or the user's setting).
    const float scale = options.uiScale > 0
                            ? options.uiScale
                            : (settings.uiScale > 0 ? settings.uiScale : platform->contentScale());
    ImFontConfig font;
    font.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&font);
    ImGui::GetStyle().ScaleAllSizes(scale);
    ImGui_ImplGlfw_InitForOpenGL(platform->window(), true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    int code = 0;
    {
        std::unique_ptr<App> app;
        try {
            app = std::make_unique<App>(options, *platform);
        } catch (const std::exception& e) {
            std::cerr << "dcmlens: " << e.what() << std::endl;
            code = 1;
        }
        int pending = 3;  // frames still to draw after the last event
        while (app && !platform->shouldClose()) {
            double seconds = 0;
            const bool busy = app->busy(seconds);
            platform->wait(pending > 0 ? 0 : (busy ? seconds : -1));
            std::vector<PlatformEvent> events = platform->takeEvents();
            pending = events.empty() ? pending - 1 : 3;
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            if (!app->frame(std::move(events))) {
                platform->requestClose();
            }
            ImGui::Render();
            int w = 0;
            int h = 0;
            platform->framebufferSize(w, h);
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            glViewport(0, 0, w, h);
            glClearColor(0.08f, 0.08f, 0.09f, 1);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            app->afterRender(w, h);  // an annotated export reads the drawn frame
            platform->swap();
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    return code;
}

}  // namespace dcmlens::app
