from config import config_from_env
from core import create_app

app = create_app(config_from_env())
