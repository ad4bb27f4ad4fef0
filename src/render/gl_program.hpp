#pragma once

#include <glad/gl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dcmlens::render {

// A linked GLSL program. Throws dcmlens::Error with the compiler's log on failure.
class GlProgram {
public:
    // Compiles and links. `retrievable`: the driver keeps what binary() needs
    // (GL_PROGRAM_BINARY_RETRIEVABLE_HINT, GL_ARB_get_program_binary).
    GlProgram(const std::string& vertexSource, const std::string& fragmentSource,
              bool retrievable = false);
    // A program from a binary that binary() gave; nullptr when the driver refuses it (another
    // driver or version, a damaged file): the caller compiles instead.
    static std::unique_ptr<GlProgram> fromBinary(GLenum format,
                                                 const std::vector<std::uint8_t>& bytes);
    ~GlProgram();
    GlProgram(const GlProgram&) = delete;
    GlProgram& operator=(const GlProgram&) = delete;

    GLuint id() const { return program_; }
    GLint uniform(const char* name) const { return glGetUniformLocation(program_, name); }

    // The driver's binary of the linked program; false when it has none to give.
    bool binary(GLenum& format, std::vector<std::uint8_t>& bytes) const;

private:
    explicit GlProgram(GLuint program) : program_(program) {}
    GLuint program_ = 0;
};

}  // namespace dcmlens::render
