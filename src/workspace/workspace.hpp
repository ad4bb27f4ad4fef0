#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "render/renderer.hpp"
#include "series/image_source.hpp"
#include "series/series_builder.hpp"
#include "session/stack_session.hpp"
#include "viewer/slice_geometry.hpp"

namespace dcmlens::workspace {

// One stack the user opened, and the session that holds its pixels while some viewport shows it.
// Every viewport of a series shares that one session (one copy of the pixels, one loader steered
// by all of them).
struct Series {
    int id = 0;  // stable: viewports refer to series by id
    series::SeriesStack stack;
    std::string source;  // the name of what it was opened from
    std::shared_ptr<session::StackSession> session;
    int sessionSerial = 0;       // changes whenever a new session is made: caches key on it
    viewer::StackPlanes planes;  // every frame's plane, for linked scrolling and reference lines
    series::GeometryReport geometry;
};

// An open in progress (listing and header scan, or a retrieval) and where its first series goes.
struct Opening {
    std::string name;
    series::SourceProgress progress;
};

// The opened series, the opens in progress, the errors of both, and the recent files. Opening
// runs off the UI thread (series::ImageSource); update() is called once per UI frame on the GL
// thread: it takes finished opens' series, moves decoded images to the GPU (a bounded amount
// per frame) and collects errors. No ImGui, no window system: the CLI's bench uses it too.
class Workspace {
public:
    explicit Workspace(render::Renderer& renderer) : renderer_(renderer) {}
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;
    ~Workspace();

    // Starts opening; its series join the workspace when the source finishes (update()), which
    // reports them with `tag` (the caller's: e.g. the viewport they go to).
    void open(std::unique_ptr<series::ImageSource> source, int tag = -1);
    std::vector<Opening> openings() const;
    bool opening() const { return !sources_.empty(); }
    void cancelOpenings();

    struct Opened {
        int tag = -1;
        std::vector<int> series;  // ids of the series that joined, largest stack first
    };
    struct Update {
        std::vector<Opened> opened;  // opens that finished (with or without series)
        int madeResident = 0;        // images that became resident
    };
    // Polls the sources and pumps the sessions (at most `uploadBytes` uploaded in all).
    Update update(std::uint64_t uploadBytes);

    const std::vector<Series>& series() const { return series_; }
    const Series* find(int id) const;
    // The session of a series, made when first asked for (its loader starts at `focusFrame`).
    // Null (and an error) when the series cannot be shown.
    session::StackSession* session(int id, int focusFrame = 0);
    // Frees the sessions of series no viewport shows (their pixels leave memory).
    void releaseExcept(const std::set<int>& shown);
    void closeAll();

    // One line each: files that failed to open or decode, GPU errors. The list only grows; the
    // app shows the new ones.
    const std::vector<std::string>& errors() const { return errors_; }
    void addError(std::string message) { errors_.push_back(std::move(message)); }

    // Paths that opened (most recent first, at most 10); failed opens never enter it.
    const std::vector<std::string>& recent() const { return recent_; }
    void setRecent(std::vector<std::string> recent) { recent_ = std::move(recent); }

    render::Renderer& renderer() { return renderer_; }

private:
    std::vector<int> addSeries(std::vector<std::shared_ptr<const model::Instance>> headers,
                               const std::string& source);
    void addRecent(const std::string& path);
    render::Renderer& renderer_;
    struct Source {
        std::unique_ptr<series::ImageSource> source;
        int tag = -1;
        std::vector<std::shared_ptr<const model::Instance>> headers;
    };
    std::vector<Source> sources_;
    std::vector<Series> series_;
    int nextId_ = 1;
    int nextSerial_ = 1;
    std::vector<std::string> errors_;
    std::vector<std::string> recent_;
};

// The session's share of the memory budget when other sessions already hold pixels.
session::MemoryBudget budgetBeside(std::uint64_t heldBytes);

}  // namespace dcmlens::workspace
