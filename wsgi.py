from recommender import create_app

app = create_app()
