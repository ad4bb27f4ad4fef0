#pragma once

#include <glad/gl.h>

#include <string>

namespace dcmlens::render {

// A linked GLSL program. Throws dcmlens::Error with the compiler's log on failure.
class GlProgram {
public:
    GlProgram(const std::string& vertexSource, const std::string& fragmentSource);
    ~GlProgram();
    GlProgram(const GlProgram&) = delete;
    GlProgram& operator=(const GlProgram&) = delete;

    GLuint id() const { return program_; }
    GLint uniform(const char* name) const { return glGetUniformLocation(program_, name); }

private:
    GLuint program_ = 0;
};

}  // namespace dcmlens::render
