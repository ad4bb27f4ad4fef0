#pragma once

#include <optional>
#include <string>
#include <vector>

struct GLFWwindow;

namespace dcmlens::app {

// What the window system reports, in the order it happened. GLFW's callbacks append to the
// queue of the Platform that owns the window (through the window's user pointer: no globals);
// the frame loop hands the queue to the App once per frame.
struct PlatformEvent {
    enum class Type { Key, Button, Cursor, Scroll, Drop, Resize, Char };
    Type type = Type::Cursor;
    int key = 0;  // GLFW key, or mouse button
    int action = 0;
    int mods = 0;
    double x = 0;  // cursor position (window coordinates), or scroll offsets
    double y = 0;
    std::vector<std::string> paths;  // dropped files
};

// The window's size and position, remembered between runs.
struct WindowGeometry {
    int x = 0;
    int y = 0;
    int width = 1280;
    int height = 800;
};

// The GLFW window with an OpenGL 3.3 core context, and its events. The only code that includes
// GLFW besides the ImGui backend.
class Platform {
public:
    // Throws std::runtime_error (one line) when there is no display or no GL 3.3.
    Platform(const WindowGeometry& geometry, const char* title);
    ~Platform();
    Platform(const Platform&) = delete;
    Platform& operator=(const Platform&) = delete;

    GLFWwindow* window() const { return window_; }
    // Waits for events (at most `timeoutSeconds`; 0: poll, negative: until one arrives).
    void wait(double timeoutSeconds);
    std::vector<PlatformEvent> takeEvents();
    bool shouldClose() const;
    void requestClose();
    WindowGeometry geometry() const;
    void framebufferSize(int& width, int& height) const;
    // The monitor's content scale (HiDPI: 2 on a 192 dpi display).
    float contentScale() const;
    void swap();
    // The cursor position as of the last cursor event (never polled: polling inside a button
    // callback races the queued motion events).
    double cursorX() const { return cursorX_; }
    double cursorY() const { return cursorY_; }

private:
    static Platform& of(GLFWwindow* window);
    GLFWwindow* window_ = nullptr;
    std::vector<PlatformEvent> events_;
    double cursorX_ = 0;
    double cursorY_ = 0;
};

}  // namespace dcmlens::app
