from shared.web import serve
from svc_guidance.app import create_app, create_runtime

runtime = create_runtime()
serve(create_app(runtime), runtime)
