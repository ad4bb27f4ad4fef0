// `dcmlens bench --layout RxC PATH...`: the viewer's viewports, headless (EGL). Each input opens
// into the next viewport (one input shows in all of them), as `dcmlens --layout` does; once every
// viewport's series is resident: a window/level drag of 200 steps in the first viewport (only
// that one is drawn again: its render key alone changed) and a linked scroll of every viewport
// through the first one's frames, with the frame times and the bytes uploaded during each.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/arguments.hpp"
#include "cli/bench_layout.hpp"
#include "cli/bench_stats.hpp"
#include "cli/json_writer.hpp"
#include "common/error.hpp"
#include "dicom/dicom_file.hpp"
#include "headless/egl_context.hpp"
#include "series/image_source.hpp"
#include "workspace/viewports.hpp"

namespace dcmlens::cli {

using bench::Clock;
using bench::msSince;
using bench::peakRssBytes;
using bench::percentile;

int benchLayout(const viewer::Grid& grid, const std::vector<std::string>& inputs, int width,
                int height, bool json) {
    std::thread warmUp(dicom::warmUp);
    std::unique_ptr<headless::EglContext> made;
    try {
        made = std::make_unique<headless::EglContext>();
    } catch (...) {
        warmUp.join();
        throw;
    }
    warmUp.join();
    render::Renderer renderer;
    workspace::Workspace ws(renderer);
    workspace::ViewportSet set;
    set.setGrid(grid);
    const auto cells = viewer::gridCells(
        grid, viewer::Rect{0, 0, static_cast<double>(width), static_cast<double>(height)},
        grid.count() > 1 ? 2 : 0);
    std::vector<std::pair<int, int>> sizes;
    for (const auto& c : cells) {
        sizes.emplace_back(static_cast<int>(c.width), static_cast<int>(c.height));
    }
    const auto opened = Clock::now();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        ws.open(series::openFiles({inputs[i]}), static_cast<int>(i));
    }
    double firstFrameMs = -1;
    std::size_t shown = 0;
    const std::size_t viewports = set.viewports().size();
    for (int i = 0;; ++i) {
        for (const auto& o : ws.update(64ull << 20).opened) {
            if (o.series.empty()) {
                continue;
            }
            // One input: its series in every viewport; several: one each, in reading order.
            for (std::size_t k = 0; k < viewports; ++k) {
                if ((inputs.size() == 1 || static_cast<int>(k) == o.tag) &&
                    set.viewports()[k].empty()) {
                    set.show(static_cast<int>(k), o.series.front(), ws);
                    shown += 1;
                }
            }
        }
        if (!ws.errors().empty() && !ws.opening() && shown == 0) {
            throw Error(ws.errors().front());
        }
        set.refresh(ws);
        set.render(ws, sizes);
        glFinish();
        bool resident = shown > 0 && !ws.opening();
        for (const auto& v : set.viewports()) {
            const workspace::Series* s = ws.find(v.seriesId);
            if (!v.empty() && s && s->session) {
                if (firstFrameMs < 0 && s->session->resident(v.view.frame)) {
                    firstFrameMs = msSince(opened);
                }
                resident =
                    resident && (s->session->allResident() || s->session->progress().finished());
            }
        }
        if (resident) {
            break;
        }
        if (i > 600000) {
            throw Error("the series did not become resident");
        }
        std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    const double residentMs = msSince(opened);
    set.render(ws, sizes);
    glFinish();

    // Window/level in the first viewport: only it is drawn again.
    workspace::Viewport& first = set.viewports()[0];
    const viewer::ViewContext ctx = set.context(first, ws, sizes[0].first, sizes[0].second);
    std::vector<double> wl;
    int wlDrawn = 0;
    const std::uint64_t beforeWl = renderer.uploadedBytes();
    const double startCenter = first.view.center;
    const double startWidth = first.view.width;
    for (int i = 1; i <= 200; ++i) {
        viewer::dragWindow(first.view, startCenter, startWidth, i * 2.0, i * 1.0, ctx, false);
        const auto t = Clock::now();
        wlDrawn += set.render(ws, sizes);
        glFinish();
        wl.push_back(msSince(t));
    }
    const std::uint64_t wlUpload = renderer.uploadedBytes() - beforeWl;

    // A linked scroll through the first viewport's frames, twice: every viewport follows.
    std::vector<double> scroll;
    int scrollDrawn = 0;
    const std::uint64_t beforeScroll = renderer.uploadedBytes();
    for (int pass = 0; pass < 2; ++pass) {
        for (int f = 0; f < first.view.frameCount; ++f) {
            first.view.frame = f;
            set.scrolled(0, false, ws);
            set.refresh(ws);
            const auto t = Clock::now();
            scrollDrawn += set.render(ws, sizes);
            glFinish();
            scroll.push_back(msSince(t));
        }
    }
    const std::uint64_t scrollUpload = renderer.uploadedBytes() - beforeScroll;
    const auto peak = static_cast<unsigned long>(peakRssBytes());

    JsonWriter j;
    j.beginObject();
    j.key("layout").value(grid.name());
    j.key("viewports").value(static_cast<int>(viewports));
    j.key("series").value(static_cast<unsigned long>(ws.series().size()));
    j.key("first_frame_ms").value(firstFrameMs);
    j.key("resident_ms").value(residentMs);
    j.key("wl_frame_ms_median").value(percentile(wl, 50));
    j.key("wl_frame_ms_p99").value(percentile(wl, 99));
    j.key("wl_upload_bytes").value(static_cast<unsigned long>(wlUpload));
    j.key("wl_viewports_drawn_per_step").value(static_cast<double>(wlDrawn) / 200);
    j.key("scroll_frame_ms_median").value(percentile(scroll, 50));
    j.key("scroll_frame_ms_p99").value(percentile(scroll, 99));
    j.key("scroll_upload_bytes").value(static_cast<unsigned long>(scrollUpload));
    j.key("scroll_viewports_drawn_per_step")
        .value(scroll.empty() ? 0.0 : static_cast<double>(scrollDrawn) / scroll.size());
    j.key("peak_rss_bytes").value(peak);
    j.key("viewport").beginArray().value(width).value(height).endArray();
    j.key("renderer").value(made->description());
    j.endObject();
    if (json) {
        std::cout << j.str() << std::endl;
    } else {
        std::printf("%s layout of %zu viewports, %zu series\n", grid.name().c_str(), viewports,
                    ws.series().size());
        std::printf("first image shown   %8.1f ms; all resident %.1f ms\n", firstFrameMs,
                    residentMs);
        std::printf(
            "window/level step   median %.2f ms, p99 %.2f ms, %llu bytes uploaded, "
            "%.2f viewports drawn a step\n",
            percentile(wl, 50), percentile(wl, 99), static_cast<unsigned long long>(wlUpload),
            static_cast<double>(wlDrawn) / 200);
        std::printf(
            "linked scroll step  median %.2f ms, p99 %.2f ms, %llu bytes uploaded, "
            "%.2f viewports drawn a step\n",
            percentile(scroll, 50), percentile(scroll, 99),
            static_cast<unsigned long long>(scrollUpload),
            scroll.empty() ? 0.0 : static_cast<double>(scrollDrawn) / scroll.size());
        std::printf("peak RSS            %.1f MB\n", static_cast<double>(peak) / 1e6);
    }
    return 0;
}

}  // namespace dcmlens::cli
