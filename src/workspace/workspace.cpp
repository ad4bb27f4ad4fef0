#include "workspace/workspace.hpp"

#include <algorithm>
#include <filesystem>

#include "common/error.hpp"

namespace dcmlens::workspace {

session::MemoryBudget budgetBeside(std::uint64_t heldBytes) {
    session::MemoryBudget b = session::defaultBudget();
    // Several sessions share one budget: a new one gets what the others leave (at least a
    // tenth, so that a stack can always show something and goes windowed when it must).
    const std::uint64_t floor = b.hostBytes / 10;
    b.hostBytes = b.hostBytes > heldBytes + floor ? b.hostBytes - heldBytes : floor;
    b.gpuBytes = std::min(b.gpuBytes, b.hostBytes);
    return b;
}

Workspace::~Workspace() {
    // Sessions first (they own GPU images), while the renderer still exists.
    series_.clear();
}

void Workspace::open(std::unique_ptr<series::ImageSource> source, int tag) {
    sources_.push_back({std::move(source), tag, {}});
}

std::vector<Opening> Workspace::openings() const {
    std::vector<Opening> out;
    for (const Source& s : sources_) {
        out.push_back({s.source->name(), s.source->progress()});
    }
    return out;
}

void Workspace::cancelOpenings() {
    for (Source& s : sources_) {
        s.source->cancel();
    }
}

Workspace::Update Workspace::update(std::uint64_t uploadBytes) {
    Update u;
    for (std::size_t k = 0; k < sources_.size();) {
        Source& s = sources_[k];
        for (auto& h : s.source->takeHeaders()) {
            s.headers.push_back(std::move(h));
        }
        for (std::string& e : s.source->takeErrors()) {
            errors_.push_back(std::move(e));
        }
        const series::SourceProgress p = s.source->progress();
        if (!p.finished) {
            ++k;
            continue;
        }
        Opened opened;
        opened.tag = s.tag;
        if (!s.headers.empty()) {
            opened.series = addSeries(std::move(s.headers), s.source->name());
            for (const std::string& path : s.source->openedPaths()) {
                addRecent(path);
            }
        }
        u.opened.push_back(std::move(opened));
        sources_.erase(sources_.begin() + static_cast<std::ptrdiff_t>(k));
    }
    std::uint64_t left = uploadBytes;
    for (Series& s : series_) {
        if (!s.session) {
            continue;
        }
        try {
            const std::uint64_t before = renderer_.uploadedBytes();
            u.madeResident += s.session->pump(std::max<std::uint64_t>(1, left));
            const std::uint64_t sent = renderer_.uploadedBytes() - before;
            left = sent >= left ? 1 : left - sent;
        } catch (const Error& e) {  // e.g. out of GPU memory: say so, keep what is loaded
            s.session->cancelLoading();
            errors_.push_back(e.what());
        }
        for (std::string& e : s.session->takeErrors()) {
            errors_.push_back(std::move(e));
        }
    }
    return u;
}

std::vector<int> Workspace::addSeries(std::vector<std::shared_ptr<const model::Instance>> headers,
                                      const std::string& source) {
    std::vector<int> added;
    for (series::SeriesStack& stack : series::buildStacks(std::move(headers))) {
        Series s;
        s.id = nextId_++;
        s.source = source;
        for (const auto& in : stack.instances) {
            for (int f = 0; f < std::max(1, in->pixel.frames); ++f) {
                s.planes.frames.push_back(viewer::slicePlaneOf(*in, f));
            }
        }
        s.geometry = series::checkGeometry(stack);
        s.stack = std::move(stack);
        added.push_back(s.id);
        series_.push_back(std::move(s));
    }
    return added;
}

const Series* Workspace::find(int id) const {
    for (const Series& s : series_) {
        if (s.id == id) {
            return &s;
        }
    }
    return nullptr;
}

session::StackSession* Workspace::session(int id, int focusFrame) {
    auto it =
        std::find_if(series_.begin(), series_.end(), [&](const Series& s) { return s.id == id; });
    if (it == series_.end()) {
        return nullptr;
    }
    if (!it->session) {
        std::uint64_t held = 0;
        for (const Series& s : series_) {
            if (s.session) {
                held += s.session->pixelBytes() *
                        static_cast<std::uint64_t>(s.session->windowFrames()) /
                        static_cast<std::uint64_t>(std::max(1, s.session->frameCount()));
            }
        }
        try {
            it->session = std::make_shared<session::StackSession>(renderer_, it->stack, focusFrame,
                                                                  budgetBeside(held));
            it->sessionSerial = nextSerial_++;
            if (it->session->windowed()) {
                errors_.push_back(it->session->windowMessage());
            }
        } catch (const Error& e) {
            errors_.push_back(std::string("cannot show the images: ") + e.what());
            return nullptr;
        }
    }
    return it->session.get();
}

void Workspace::releaseExcept(const std::set<int>& shown) {
    for (Series& s : series_) {
        if (s.session && !shown.count(s.id)) {
            s.session.reset();
        }
    }
}

void Workspace::closeAll() {
    series_.clear();
}

void Workspace::addRecent(const std::string& path) {
    if (path.rfind("demo", 0) == 0 && !std::filesystem::exists(path)) {
        return;
    }
    std::error_code ec;
    const std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
    recent_.erase(std::remove(recent_.begin(), recent_.end(), absolute), recent_.end());
    recent_.insert(recent_.begin(), absolute);
    recent_.resize(std::min<std::size_t>(recent_.size(), 10));
}

}  // namespace dcmlens::workspace
