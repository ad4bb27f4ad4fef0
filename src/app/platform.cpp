#include "app/platform.hpp"

#include <GLFW/glfw3.h>
#include <glad/gl.h>

#include <iostream>
#include <stdexcept>

namespace dcmlens::app {

Platform& Platform::of(GLFWwindow* window) {
    return *static_cast<Platform*>(glfwGetWindowUserPointer(window));
}

Platform::Platform(const WindowGeometry& g, const char* title) {
    glfwSetErrorCallback([](int, const char* description) {
        std::cerr << "dcmlens: window system: " << description << std::endl;
    });
    if (!glfwInit()) {
        throw std::runtime_error(
            "cannot open a window (no display?); the command-line tools work without one");
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    window_ = glfwCreateWindow(g.width, g.height, title, nullptr, nullptr);
    if (window_ == nullptr) {
        glfwTerminate();
        throw std::runtime_error("cannot create an OpenGL 3.3 window");
    }
    glfwSetWindowPos(window_, g.x, g.y);
    glfwMakeContextCurrent(window_);
    glfwSwapInterval(1);
    if (gladLoadGL(reinterpret_cast<GLADloadfunc>(glfwGetProcAddress)) == 0) {
        glfwDestroyWindow(window_);
        glfwTerminate();
        throw std::runtime_error("cannot load OpenGL functions");
    }
    glfwSetWindowUserPointer(window_, this);
    // Installed before ImGui's backend, which chains to them.
    glfwSetDropCallback(window_, [](GLFWwindow* w, int count, const char** paths) {
        PlatformEvent e;
        e.type = PlatformEvent::Type::Drop;
        for (int i = 0; i < count; ++i) {
            e.paths.emplace_back(paths[i]);
        }
        of(w).events_.push_back(std::move(e));
    });
    // Keys are queued here rather than polled through ImGui: Dear ImGui 1.86 misses a press and
    // release that arrive between two frames (fast typists, xdotool).
    glfwSetKeyCallback(window_, [](GLFWwindow* w, int key, int, int action, int mods) {
        PlatformEvent e;
        e.type = PlatformEvent::Type::Key;
        e.key = key;
        e.action = action;
        e.mods = mods;
        of(w).events_.push_back(e);
    });
    glfwSetCharCallback(window_, [](GLFWwindow* w, unsigned int) {
        PlatformEvent e;
        e.type = PlatformEvent::Type::Char;
        of(w).events_.push_back(e);
    });
    glfwSetMouseButtonCallback(window_, [](GLFWwindow* w, int button, int action, int mods) {
        Platform& p = of(w);
        PlatformEvent e;
        e.type = PlatformEvent::Type::Button;
        e.key = button;
        e.action = action;
        e.mods = mods;
        e.x = p.cursorX_;  // where it happened, not where the pointer is when the frame polls
        e.y = p.cursorY_;
        p.events_.push_back(e);
    });
    glfwSetCursorPosCallback(window_, [](GLFWwindow* w, double x, double y) {
        Platform& p = of(w);
        p.cursorX_ = x;
        p.cursorY_ = y;
        PlatformEvent e;
        e.type = PlatformEvent::Type::Cursor;
        e.x = x;
        e.y = y;
        p.events_.push_back(e);
    });
    glfwSetScrollCallback(window_, [](GLFWwindow* w, double dx, double dy) {
        Platform& p = of(w);
        PlatformEvent e;
        e.type = PlatformEvent::Type::Scroll;
        e.x = dx;
        e.y = dy;
        p.events_.push_back(e);
    });
    glfwSetWindowSizeCallback(window_, [](GLFWwindow* w, int width, int height) {
        PlatformEvent e;
        e.type = PlatformEvent::Type::Resize;
        e.x = width;
        e.y = height;
        of(w).events_.push_back(e);
    });
}

Platform::~Platform() {
    glfwDestroyWindow(window_);
    glfwTerminate();
}

void Platform::wait(double timeoutSeconds) {
    if (timeoutSeconds < 0) {
        glfwWaitEvents();
    } else if (timeoutSeconds == 0) {
        glfwPollEvents();
    } else {
        glfwWaitEventsTimeout(timeoutSeconds);
    }
}

std::vector<PlatformEvent> Platform::takeEvents() {
    std::vector<PlatformEvent> out;
    out.swap(events_);
    return out;
}

bool Platform::shouldClose() const {
    return glfwWindowShouldClose(window_) != 0;
}

void Platform::requestClose() {
    glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

WindowGeometry Platform::geometry() const {
    WindowGeometry g;
    glfwGetWindowPos(window_, &g.x, &g.y);
    glfwGetWindowSize(window_, &g.width, &g.height);
    return g;
}

void Platform::framebufferSize(int& width, int& height) const {
    glfwGetFramebufferSize(window_, &width, &height);
}

float Platform::contentScale() const {
    float x = 1;
    float y = 1;
    glfwGetWindowContentScale(window_, &x, &y);
    return x > 0 ? x : 1;
}

void Platform::swap() {
    glfwSwapBuffers(window_);
}

}  // namespace dcmlens::app
